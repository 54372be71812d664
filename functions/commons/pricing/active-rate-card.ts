import { readFileSync } from 'node:fs';
import { loadRateCard, shippedRateCard, type RateCard } from './rate-card';

let active: RateCard | undefined;

/**
 * The rate card in force: the business's own file when RATE_CARD_FILE names one (the stack copies
 * it into each function that prices; locally it is any path), else the card shipped in
 * rate-card.json. Checked once per container; a broken file fails loudly with its line and field.
 */
export const activeRateCard = (): RateCard => {
  if (active) return active;
  const file = process.env.RATE_CARD_FILE;
  active = file ? loadRateCard(readFileSync(file, 'utf8'), file) : shippedRateCard();
  return active;
};
