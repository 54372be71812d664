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
 * The card a Lambda prices with, as the stack compiles it in: checked already, without the texts no
 * function shows (the card's description, each version's source; a version's note stays, the report
 * quotes it).
 */
export const bundledRateCard = (card: RateCard): RateCard => ({
  versions: card.versions.map(({ source: _source, ...version }) => version),
});

/**
 * esbuild's `define` of a Lambda bundle (lib/lambda-function.ts): the rate card checked at synth (by
 * ./rate-card-file, with line numbers) as JSON text. The bundle then parses it at init and holds
 * neither the card's schema nor the shipped file.
 */
export const rateCardDefine = (card: RateCard): Record<string, string> => ({
  'process.env.ENGINE_RATE_CARD': JSON.stringify(JSON.stringify(bundledRateCard(card))),
});

/**
 * The rate card in force. In a Lambda bundle: the card the stack checked and compiled in (above). Under
 * tsx and jest: the business's own file when RATE_CARD_FILE names one (npm start checks it first, with
 * line numbers), else the card shipped in rate-card.json, both checked here. Once per container; a
 * broken file fails loudly with its field.
 */
export const activeRateCard = (): RateCard => {
  if (active) return active;
  // A ternary on the variable itself, so that esbuild drops the checking branch where it is defined.
  active = process.env.ENGINE_RATE_CARD
    ? (JSON.parse(process.env.ENGINE_RATE_CARD) as RateCard)
    : process.env.RATE_CARD_FILE
      ? checkRateCard(readJson(process.env.RATE_CARD_FILE), process.env.RATE_CARD_FILE)
      : shippedRateCard();
  return active;
};
