import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { SessionEngineStack } from '../../lib/session-engine-stack.ts';

/**
 * cdk-nag's AWS Solutions and Serverless packs over the synthesized stack, as `npx cdk synth` runs
 * them (bin/app.ts): any finding not acknowledged next to its resource, error or warning, fails.
 */
const app = new App();
const stack = new SessionEngineStack(app, 'Nag', { defaultPhoneNumberId: '100000000000001' });
// Synthesize first, so aspects (alarm actions) have run as they have before a real validation.
Template.fromStack(stack);

describe.each([
  ['AwsSolutions', new AwsSolutionsChecks()],
  ['Serverless', new ServerlessChecks()],
])('cdk-nag %s pack', (_, pack) => {
  it('reports no unacknowledged error or warning', () => {
    const report = pack.validateScope(stack);
    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map(
        (resource) =>
          `${violation.severity} ${violation.ruleName} at ${resource.resourceLogicalId ?? resource.constructPath ?? '?'}`,
      ),
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });
});
