import type { EpochSeconds } from '#domain/time';
import shipped from './rate-card.json' with { type: 'json' };
import { safeParse } from 'valibot';
import { isDay, OTHER_MARKET, rateCardSchema, type JsonPath } from './rate-card-schema';

export { FREE_PRICING_TYPES, isDay, OTHER_MARKET, RATE_MODELS, type JsonPath } from './rate-card-schema';

/**
 * The rate card as data: one version per effective UTC day, each complete in itself (markets, rates,
 * free rules, volume tiers), so a price change is an edit to a JSON file, never to code. The shipped
 * file, `rate-card.json`, holds the best public figures we have (UNVERIFIED, see each version's note);
 * a business replaces it with its own (its WABA's currency, Meta's published card).
 *
 * Schema of one version (every field checked by ./rate-card-schema, unknown fields refused):
 * - `effectiveFrom` `YYYY-MM-DD`: the UTC day it takes effect; versions strictly ascending.
 * - `model` `conversation` (units are conversations opened) | `per-message` (units are delivered messages).
 * - `currency` ISO 4217, the same in every version; amounts are computed in micro-units of it.
 * - `source`, `sourceDate` (`YYYY-MM-DD` or `YYYY-MM`), `note` (optional): where the figures come from.
 * - `markets` market name → ISO 3166 alpha-2 countries; a country in at most one market; every
 *   country not listed is in `Other` (which, if written, must be an empty list).
 * - `categories` the billing categories of the version; `categoryAliases` maps other names our data may
 *   carry to one of them (2022's `business_initiated` ← `marketing`, …); any other category is unknown
 *   to the version and its units are reported unpriced.
 * - `rates` market → category → rate per unit (decimal string or number, at most 12 places), or `null`
 *   for "no published figure": units resolving to null are reported unpriced. `Other` is required.
 *   A market without a rate for a category falls back along `rateFallbacks` (category → category,
 *   e.g. `authentication_international` → `authentication`) and then to the `Other` market.
 * - `free.pricingTypes` / `free.categories`: units free whatever their category / pricing type;
 *   `free.monthlyAllowance` `{ units, categories }`: the first units of those categories each calendar
 *   month are free.
 * - `tiers` market → category → `[{ upTo, rate }]`: monthly volume tiers; each tier's rate applies only
 *   to the units inside it (`upTo` cumulative, the last `null` for no bound); they replace the flat rate.
 */

export type RateModel = 'conversation' | 'per-message';

export interface Tier {
  /** cumulative monthly units up to which this tier applies; null = no upper bound (last tier only) */
  upTo: number | null;
  /** canonical decimal string */
  rate: string;
}

export interface FreeRules {
  pricingTypes: string[];
  categories: string[];
  monthlyAllowance?: { units: number; categories: string[] };
}

export interface RateCardVersion {
  effectiveFrom: string;
  model: RateModel;
  currency: string;
  /** where the figures come from; left out of the card compiled into a Lambda, which never shows it */
  source?: string;
  sourceDate: string;
  note?: string;
  markets: Record<string, string[]>;
  categories: string[];
  categoryAliases: Record<string, string>;
  rateFallbacks: Record<string, string>;
  /** canonical decimal strings; null = no published figure */
  rates: Record<string, Record<string, string | null>>;
  free: FreeRules;
  tiers: Record<string, Record<string, Tier[]>>;
}

export interface RateCard {
  description?: string;
  versions: RateCardVersion[];
}

// ---------------------------------------------------------------------------------------------
// Checking
// ---------------------------------------------------------------------------------------------

/** One problem of a card: where it is (`['versions', 3, 'markets', 'North America']`) and what is wrong. */
export interface RateCardProblem {
  path: JsonPath;
  problem: string;
}

const MAX_PROBLEMS = 10;

/** Every problem of a card (as far as its shape allows checking the rules between fields), or none. */
export const rateCardProblems = (value: unknown): { card: RateCard } | { problems: RateCardProblem[] } => {
  const result = safeParse(rateCardSchema(), value);
  if (result.success) return { card: result.output as RateCard };
  return {
    problems: result.issues.map((issue) => ({
      path: (issue.path ?? []).map((item) => item.key as string | number),
      problem: issue.message,
    })),
  };
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `versions[3].markets["North America"]`; the root is `(root)`. */
export const formatPath = (path: JsonPath): string => {
  if (path.length === 0) return '(root)';
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (!IDENTIFIER.test(segment)) return `[${JSON.stringify(segment)}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
};

/** One line per problem (at most ten, then how many more), each starting with where it is. */
export const describeProblems = (problems: readonly RateCardProblem[], where: (path: JsonPath) => string): string => {
  const lines = problems
    .slice(0, MAX_PROBLEMS)
    .map(({ path, problem }) => `${where(path)}: ${formatPath(path)} ${problem}`);
  if (problems.length > MAX_PROBLEMS) lines.push(`… and ${problems.length - MAX_PROBLEMS} more problems`);
  return lines.join('\n');
};

/**
 * Checks a rate card already parsed. A broken one is refused with an Error naming the card, the field
 * and what to do; line numbers come from `loadRateCardFile` (./rate-card-file), used where the file is
 * read at deploy or start, so no JSON position parser is bundled into a Lambda.
 */
export const checkRateCard = (value: unknown, name = 'rate card'): RateCard => {
  const checked = rateCardProblems(value);
  if ('card' in checked) return checked.card;
  throw new Error(describeProblems(checked.problems, () => name));
};

let shippedCard: RateCard | undefined;
/** The card shipped in `rate-card.json`, checked once per process. */
export const shippedRateCard = (): RateCard => (shippedCard ??= checkRateCard(shipped, 'rate-card.json'));

// ---------------------------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------------------------

/** The version in force on a UTC day (`YYYY-MM-DD`): the last one whose effectiveFrom is on or before it. */
export const versionOn = (card: RateCard, day: string): RateCardVersion | undefined => {
  if (!isDay(day)) throw new RangeError(`day must be a UTC day written YYYY-MM-DD, not ${JSON.stringify(day)}`);
  let found: RateCardVersion | undefined;
  for (const version of card.versions) {
    if (version.effectiveFrom > day) break;
    found = version;
  }
  return found;
};

/** The version in force at an instant: the one of its UTC day. */
export const versionAt = (card: RateCard, at: EpochSeconds): RateCardVersion | undefined =>
  versionOn(card, new Date(at * 1000).toISOString().slice(0, 10));

const marketIndexes = new WeakMap<RateCardVersion, Map<string, string>>();

/** The market a country (ISO alpha-2) is priced in under a version; Other when no market lists it. */
export const marketOf = (version: RateCardVersion, country: string): string => {
  let index = marketIndexes.get(version);
  if (!index) {
    index = new Map();
    for (const [market, countries] of Object.entries(version.markets))
      for (const code of countries) index.set(code, market);
    marketIndexes.set(version, index);
  }
  return index.get(country.trim().toUpperCase()) ?? OTHER_MARKET;
};

/** Lowercase, `-` as `_`: the form Meta's `pricing.category` and our own classification share. */
export const normalizeCategory = (category: string): string => category.trim().toLowerCase().replace(/-/g, '_');

export interface Price {
  market: string;
  /** the version's billing category the unit is priced as (after categoryAliases) */
  category: string;
  /** false: the category is unknown to the version (e.g. `unclassified`): price at 0 and list it */
  known: boolean;
  /** free by the version's free pricing types or free categories */
  free: boolean;
  /** the flat rate, or the first tier's when tiered; null when the card has no figure */
  rate: string | null;
  /** the monthly volume tiers, when the version defines them for this market and category */
  tiers?: readonly Tier[];
}

/**
 * How a unit is priced under a version, before monthly allowances and tier positions: the market of
 * its country, its billing category, whether it is free, and the rate (own market first, along the
 * category fallbacks, then the Other market).
 */
export const priceOf = (
  version: RateCardVersion,
  unit: { country: string; category: string; pricingType: string },
): Price => {
  const market = marketOf(version, unit.country);
  const raw = normalizeCategory(unit.category);
  const category = version.categories.includes(raw) ? raw : (version.categoryAliases[raw] ?? raw);
  const known = version.categories.includes(category);
  const free =
    version.free.pricingTypes.includes(unit.pricingType) || (known && version.free.categories.includes(category));
  if (!known) return { market, category, known, free, rate: null };
  const chain = [category];
  for (let next = version.rateFallbacks[category]; next !== undefined; next = version.rateFallbacks[next])
    chain.push(next);
  for (const source of market === OTHER_MARKET ? [market] : [market, OTHER_MARKET]) {
    for (const c of chain) {
      const tiers = version.tiers[source]?.[c];
      if (tiers && tiers[0]) return { market, category, known, free, rate: tiers[0].rate, tiers };
      const rates = version.rates[source];
      if (rates && Object.hasOwn(rates, c)) return { market, category, known, free, rate: rates[c] ?? null };
    }
  }
  return { market, category, known, free, rate: null };
};
