import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHIPPED_CARD = fileURLToPath(new URL('../../functions/commons/pricing/rate-card.json', import.meta.url));

/**
 * The shipped rate card with one field broken (the first version's currency is "dollars"), written
 * to `folder`: the file, and the line of the broken field that the error must name.
 */
export const writeBrokenRateCard = (folder: string): { file: string; line: number } => {
  const card = JSON.parse(readFileSync(SHIPPED_CARD, 'utf8')) as { versions: { currency: string }[] };
  (card.versions[0] as { currency: string }).currency = 'dollars';
  const text = JSON.stringify(card, null, 2);
  const file = join(folder, 'broken-card.json');
  writeFileSync(file, text);
  return { file, line: text.split('\n').findIndex((entry) => entry.includes('"dollars"')) + 1 };
};
