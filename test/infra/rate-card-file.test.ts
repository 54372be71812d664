import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { LambdaFunction } from '../../lib/lambda-function.ts';
import type { RateCard } from '../../functions/commons/pricing/rate-card.ts';

const SHIPPED = fileURLToPath(new URL('../../functions/commons/pricing/rate-card.json', import.meta.url));

const synthReport = (name: string, rateCardFile?: string) => {
  // a fresh folder, so the one asset in it is this synth's
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), `rate-card-synth-${name}-`)) });
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

/** The card a bundle parses at init: the string literal esbuild wrote for the define, evaluated. */
const cardIn = (bundle: string): RateCard => {
  const found = /JSON\.parse\((["'`])\{\\?"versions/.exec(bundle);
  if (!found) throw new Error('no rate card in the bundle');
  let end = found.index + 'JSON.parse('.length + 1;
  while (bundle[end] !== found[1]) end += bundle[end] === '\\' ? 2 : 1;
  const literal = bundle.slice(found.index + 'JSON.parse('.length, end + 1);
  return JSON.parse((new Function(`return ${literal}`) as () => string)()) as RateCard;
};

describe('the rate card of a function that prices', () => {
  it("is the business's own card, checked at synth and compiled into the bundle without its schema", () => {
    const own = JSON.parse(readFileSync(SHIPPED, 'utf8')) as { versions: { currency: string; note?: string }[] };
    for (const version of own.versions) version.currency = 'EUR';
    // the card reaches esbuild on its command line: nothing in it may be read as shell or escape
    own.versions[0]!.note = 'Ours. Shell-like text stays text: $HOME `date` \'single\' "double" \\ back.';
    const file = join(mkdtempSync(join(tmpdir(), 'card-')), 'my-rate-card.json');
    writeFileSync(file, JSON.stringify(own, null, 2));
    const { template, bundle } = synthReport('own', file);
    const card = cardIn(bundle);
    expect(card.versions.map((version) => version.currency)).toEqual(own.versions.map(() => 'EUR'));
    expect(card.versions[0]?.note).toBe(own.versions[0]?.note);
    // no schema, no position parser, no file read at init: the card is data in the bundle
    expect(bundle).not.toContain('must hold at least one');
    expect(bundle).not.toContain('RATE_CARD_FILE');
    const functions = template.findResources('AWS::Lambda::Function');
    for (const fn of Object.values(functions)) expect(JSON.stringify(fn)).not.toContain('RATE_CARD_FILE');
  });

  it('is the shipped card without the texts no function shows', () => {
    const { bundle } = synthReport('shipped');
    const shipped = JSON.parse(readFileSync(SHIPPED, 'utf8')) as RateCard;
    const card = cardIn(bundle);
    expect(card).not.toHaveProperty('description');
    expect(card.versions.map(({ effectiveFrom, source, note }) => ({ effectiveFrom, source, note }))).toEqual(
      shipped.versions.map(({ effectiveFrom, note }) => ({ effectiveFrom, source: undefined, note })),
    );
  });

  it('stops the synth when broken, naming the file, the line and the field', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'card-')), 'broken.json');
    writeFileSync(file, '{\n  "versions": []\n}\n');
    expect(() => synthReport('broken', file)).toThrow(`${file} line 2: versions must hold at least one version`);
  });
});
