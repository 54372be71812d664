import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { activeRateCard } from './active-rate-card';

// A file of its own: activeRateCard keeps the first card it accepts for the life of the module.
describe('a broken RATE_CARD_FILE in a function', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'card-')), 'broken.json');

  afterEach(() => {
    delete process.env.RATE_CARD_FILE;
  });

  it('fails naming the file and the field, without line numbers (those are given at deploy)', () => {
    writeFileSync(file, '{ "versions": [] }');
    process.env.RATE_CARD_FILE = file;
    expect(() => activeRateCard()).toThrow(`${file}: versions must hold at least one version`);
  });

  it('fails naming a file that is not JSON and how to find the line', () => {
    writeFileSync(file, '{ "versions": [ }');
    process.env.RATE_CARD_FILE = file;
    expect(() => activeRateCard()).toThrow(`${file}: not valid JSON`);
    expect(() => activeRateCard()).toThrow(`check it with cdk synth -c rateCard=${file}`);
  });
});
