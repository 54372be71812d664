import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LambdaFunction } from '../../lib/lambda-function.ts';
import { SessionTable } from '../../lib/session-table.ts';

/** One function bundled as the stack bundles it, with and without X-Ray subsegments (-c xraySubsegments). */
const bundled = (context: Record<string, string>) => {
  const stack = new Stack(new App({ context }), 'Tracing');
  const { table } = new SessionTable(stack, 'Sessions');
  const { function: fn } = new LambdaFunction(stack, 'Verify', {
    handlerName: 'webhook-verify',
    table,
    tableActions: ['dynamodb:GetItem'],
  });
  const staging = fn.node.findAll().find((child): child is AssetStaging => child instanceof AssetStaging);
  if (!staging) throw new Error('no bundle staged');
  return {
    code: readFileSync(join(staging.absoluteStagedPath, 'index.mjs'), 'utf8'),
    template: Template.fromStack(stack),
  };
};

describe('X-Ray in the bundles', () => {
  it('keeps active tracing on everywhere, and the X-Ray SDK out of a bundle without subsegments', () => {
    const plain = bundled({});
    plain.template.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
    expect(plain.code).not.toContain('AWSXRay');
    expect(plain.code).not.toContain('cls-hooked');

    const traced = bundled({ xraySubsegments: 'webhook-verify' });
    traced.template.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
    expect(traced.code).toContain('AWSXRay');
    // about 120 KB of aws-xray-sdk-core, semver, cls-hooked and Powertools Tracer
    expect(traced.code.length - plain.code.length).toBeGreaterThan(100_000);
  });
});
