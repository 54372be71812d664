import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { activeRateCard } from './active-rate-card';

describe('the rate card in force', () => {
  it("is the business's own file when RATE_CARD_FILE names one", () => {
    const shipped = JSON.parse(readFileSync(new URL('./rate-card.json', import.meta.url), 'utf8')) as {
      versions: { currency: string }[];
    };
    for (const version of shipped.versions) version.currency = 'EUR';
    const file = join(mkdtempSync(join(tmpdir(), 'card-')), 'my-rate-card.json');
    writeFileSync(file, JSON.stringify(shipped, null, 2));
    process.env.RATE_CARD_FILE = file;
    try {
      expect(activeRateCard().versions.every((version) => version.currency === 'EUR')).toBe(true);
      // Checked once per container: the same object on the next call.
      expect(activeRateCard()).toBe(activeRateCard());
    } finally {
      delete process.env.RATE_CARD_FILE;
    }
  });
});
