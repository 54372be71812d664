import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkConfig, dataDirProblem, portProblem, rateCardProblem } from './check-config.ts';

const SHIPPED_CARD = fileURLToPath(new URL('../../functions/commons/pricing/rate-card.json', import.meta.url));

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'check-config-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The shipped card with its first version's effective day broken, and the line that day is on. */
const brokenCard = (name: string, versions = 1): { file: string; line: number } => {
  const card = JSON.parse(readFileSync(SHIPPED_CARD, 'utf8')) as { versions: { effectiveFrom: string }[] };
  for (let i = 0; i < versions; i++) (card.versions[i] as { effectiveFrom: string }).effectiveFrom = '2025-02-30';
  const text = JSON.stringify(card, null, 2);
  const file = join(folder, name);
  writeFileSync(file, text);
  return { file, line: text.split('\n').findIndex((line) => line.includes('"2025-02-30"')) + 1 };
};

describe('the configuration check of npm start', () => {
  it('passes an environment with nothing set, and the shipped card', () => {
    expect(checkConfig({})).toBeUndefined();
    expect(checkConfig({ RATE_CARD_FILE: SHIPPED_CARD, DYNAMODB_DATA_DIR: folder, PORT: '0' })).toBeUndefined();
  });

  it('names a broken rate card by file and line, and what to do', () => {
    const { file, line } = brokenCard('one.json');
    expect(rateCardProblem(file)).toBe(
      `RATE_CARD_FILE: ${file} line ${line}: versions[0].effectiveFrom must be a UTC day written YYYY-MM-DD, ` +
        'not "2025-02-30": fix the file or unset RATE_CARD_FILE for the shipped card',
    );
  });

  it('says how many more problems a card has, on the same line', () => {
    const { file } = brokenCard('two.json', 2);
    const problem = checkConfig({ RATE_CARD_FILE: file }) ?? '';
    expect(problem).not.toContain('\n');
    expect(problem).toMatch(/versions\[0\]\.effectiveFrom .* \(and 1 more problem\): fix the file/);
  });

  it('names a rate card file that does not exist, or is not JSON', () => {
    const missing = join(folder, 'missing.json');
    expect(rateCardProblem(missing)).toBe(
      `RATE_CARD_FILE: ${missing} does not exist: fix the file or unset RATE_CARD_FILE for the shipped card`,
    );
    const notJson = join(folder, 'not-json.json');
    writeFileSync(notJson, '{\n  "versions": [,]\n}\n');
    expect(rateCardProblem(notJson)).toMatch(new RegExp(`^RATE_CARD_FILE: ${notJson} line 2`));
  });

  it('names a data folder that does not exist, is a file or cannot be written', () => {
    const missing = join(folder, 'nope');
    expect(dataDirProblem(missing)).toBe(
      `DYNAMODB_DATA_DIR: ${missing} does not exist: create it (mkdir -p ${missing}) or unset DYNAMODB_DATA_DIR to keep the data in memory`,
    );
    const file = join(folder, 'a-file');
    writeFileSync(file, '');
    expect(dataDirProblem(file)).toBe(
      `DYNAMODB_DATA_DIR: ${file} is a file, not a folder: name a folder or unset DYNAMODB_DATA_DIR`,
    );
    // Nothing can be created in /proc, not even by root (for whom permission bits do not count).
    expect(dataDirProblem('/proc')).toBe(
      'DYNAMODB_DATA_DIR: /proc is not writable: make it writable (chmod u+w /proc) or name another folder',
    );
    // A usable folder passes, and the write check leaves nothing behind.
    const before = readdirSync(folder).sort();
    expect(dataDirProblem(folder)).toBeUndefined();
    expect(readdirSync(folder).sort()).toEqual(before);
  });

  it('refuses a limit that is not a positive number, naming it and its default', () => {
    expect(checkConfig({ MESSAGES_PER_SECOND: 'abc' })).toBe(
      'MESSAGES_PER_SECOND must be a positive number, not "abc": fix it or unset it for the default 80',
    );
    expect(checkConfig({ PAIR_RATE_BURST: '0' })).toMatch(/^PAIR_RATE_BURST must be a positive number, not "0"/);
    expect(checkConfig({ PAIR_RATE_INTERVAL_SECONDS: '-1' })).toMatch(/^PAIR_RATE_INTERVAL_SECONDS /);
    expect(checkConfig({ MESSAGE_RETENTION_DAYS: '30d' })).toMatch(/^MESSAGE_RETENTION_DAYS /);
    expect(checkConfig({ MESSAGES_PER_SECOND: '1000', MESSAGE_RETENTION_DAYS: '' })).toBeUndefined();
  });

  it('refuses a port that is not one, from 0 to 65535', () => {
    expect(portProblem('PORT', '65535')).toBeUndefined();
    expect(portProblem('PORT', '0')).toBeUndefined();
    expect(portProblem('PORT', '65536')).toBe(
      'PORT must be a port number from 0 to 65535, not "65536": fix it or unset it for the default',
    );
    expect(checkConfig({ SANDBOX_PORT: 'abc' })).toMatch(/^SANDBOX_PORT must be a port number/);
  });
});
