import { readFileSync } from 'node:fs';
import { checkRateCard, shippedRateCard, type RateCard } from './rate-card';

let active: RateCard | undefined;

/** The file's JSON; a file that is not JSON is named (its line was given at deploy, by ./rate-card-file). */
const readJson = (file: string): unknown => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new Error(
      `${file}: not valid JSON (${(error as Error).message}): check it with cdk synth -c rateCard=${file}`,
      {
        cause: error,
      },
    );
  }
};

/**
 * The rate card in force: the business's own file when RATE_CARD_FILE names one (the stack copies
 * it into each function that prices; locally it is any path), else the card shipped in
 * rate-card.json. Checked once per container; a broken file fails loudly with its field.
 */
export const activeRateCard = (): RateCard => {
  if (active) return active;
  const file = process.env.RATE_CARD_FILE;
  active = file ? checkRateCard(readJson(file), file) : shippedRateCard();
  return active;
};
