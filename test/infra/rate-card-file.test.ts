import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { LambdaFunction } from '../../lib/lambda-function.ts';

const SHIPPED = fileURLToPath(new URL('../../functions/commons/pricing/rate-card.json', import.meta.url));

const synthReport = (name: string, rateCardFile?: string) => {
  const app = new App({ outdir: fileURLToPath(new URL(`../../cdk.out/rate-card-test-${name}`, import.meta.url)) });
  const stack = new Stack(app, 'RateCardFile');
  const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  new LambdaFunction(stack, 'Report', {
    handlerName: 'get-cost-report',
    table,
    tableActions: ['dynamodb:Query'],
    ...(rateCardFile ? { rateCardFile } : {}),
  });
  const template = Template.fromStack(stack);
  const assembly = app.synth();
  const [asset] = readdirSync(assembly.directory).filter((entry) => entry.startsWith('asset.'));
  return { template, bundle: readFileSync(join(assembly.directory, asset ?? '', 'index.mjs'), 'utf8') };
};

describe('the rate card of a function that prices', () => {
  it("is the business's own card, checked at synth and compiled into the bundle without its schema", () => {
    const own = JSON.parse(readFileSync(SHIPPED, 'utf8')) as { versions: { currency: string }[] };
    for (const version of own.versions) version.currency = 'EUR';
    const file = join(mkdtempSync(join(tmpdir(), 'card-')), 'my-rate-card.json');
    writeFileSync(file, JSON.stringify(own, null, 2));
    const { template, bundle } = synthReport('own', file);
    expect(bundle).toContain('"currency":"EUR"');
    expect(bundle).not.toContain('"currency":"USD"');
    // no schema, no position parser, no file read at init: the card is data in the bundle
    expect(bundle).not.toContain('must hold at least one');
    expect(bundle).not.toContain('RATE_CARD_FILE');
    const functions = template.findResources('AWS::Lambda::Function');
    for (const fn of Object.values(functions)) expect(JSON.stringify(fn)).not.toContain('RATE_CARD_FILE');
  });

  it('is the shipped card without the texts no function shows', () => {
    const { bundle } = synthReport('shipped');
    expect(bundle).toContain('"effectiveFrom":"2026-10-01"');
    expect(bundle).not.toMatch(/"(source|description)":/);
    expect(bundle).toContain('"note":');
  });

  it('stops the synth when broken, naming the file, the line and the field', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'card-')), 'broken.json');
    writeFileSync(file, '{\n  "versions": []\n}\n');
    expect(() => synthReport('broken', file)).toThrow(`${file} line 2: versions must hold at least one version`);
  });
});
