import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { LambdaFunction } from '../../lib/lambda-function.ts';

describe("a business's own rate card", () => {
  it('is copied into the bundle of a function and named by RATE_CARD_FILE', () => {
    const app = new App({ outdir: fileURLToPath(new URL('../../cdk.out/rate-card-test', import.meta.url)) });
    const stack = new Stack(app, 'RateCardFile');
    const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    new LambdaFunction(stack, 'Report', {
      handlerName: 'get-cost-report',
      table,
      tableActions: ['dynamodb:Query'],
      rateCardFile: fileURLToPath(new URL('../../functions/commons/pricing/rate-card.json', import.meta.url)),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { RATE_CARD_FILE: '/var/task/rate-card.json' } },
    });
    const assembly = app.synth();
    const assets = readdirSync(assembly.directory).filter((entry) => entry.startsWith('asset.'));
    expect(assets.some((asset) => existsSync(join(assembly.directory, asset, 'rate-card.json')))).toBe(true);
  });
});
