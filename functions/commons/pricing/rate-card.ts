import type { EpochSeconds } from '#domain/time';
import shipped from './rate-card.json' with { type: 'json' };
import { formatPath, JsonSyntaxError, parseJsonWithLines, type JsonPath } from './json-lines';
import { canonicalRate, RATE_DECIMALS } from './money';

/**
 * The rate card as data: one version per effective UTC day, each complete in itself (markets, rates,
 * free rules, volume tiers), so a price change is an edit to a JSON file, never to code. The shipped
 * file, `rate-card.json`, holds the best public figures we have (UNVERIFIED, see each version's note);
 * a business replaces it with its own (its WABA's currency, Meta's published card).
 *
 * Schema of one version (every field checked by `loadRateCard`, unknown fields refused):
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
export const RATE_MODELS: readonly RateModel[] = ['conversation', 'per-message'];
/** Pricing types that a version may declare free (Meta's `pricing.type` values other than `regular`). */
export const FREE_PRICING_TYPES = ['free_customer_service', 'free_entry_point'] as const;
export const OTHER_MARKET = 'Other';

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
  source: string;
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
// Loading and schema checks
// ---------------------------------------------------------------------------------------------

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const COUNTRY = /^[A-Z]{2}$/;
const CURRENCY = /^[A-Z]{3}$/;
const CATEGORY = /^[a-z][a-z0-9_]*$/;

/** A real calendar day written `YYYY-MM-DD`. */
export const isDay = (text: unknown): text is string => {
  if (typeof text !== 'string') return false;
  const match = DAY.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

const isMonth = (text: string): boolean => {
  const match = MONTH.exec(text);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 12;
};

type Json = Record<string, unknown>;
type Fail = (path: JsonPath, problem: string) => never;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const VERSION_FIELDS = [
  'effectiveFrom',
  'model',
  'currency',
  'source',
  'sourceDate',
  'note',
  'markets',
  'categories',
  'categoryAliases',
  'rateFallbacks',
  'rates',
  'free',
  'tiers',
] as const;
const REQUIRED_VERSION_FIELDS = [
  'effectiveFrom',
  'model',
  'currency',
  'source',
  'sourceDate',
  'markets',
  'categories',
  'rates',
  'free',
];

/** The validator: walks the parsed JSON, builds the typed card, and calls `fail` at the first problem. */
const checkCard = (value: unknown, fail: Fail): RateCard => {
  const object = (at: JsonPath, candidate: unknown, what: string): Json =>
    isObject(candidate) ? candidate : fail(at, `must be ${what}`);
  const list = (at: JsonPath, candidate: unknown, what: string): unknown[] =>
    Array.isArray(candidate) ? candidate : fail(at, `must be ${what}`);
  const text = (at: JsonPath, candidate: unknown): string =>
    typeof candidate === 'string' && candidate.trim() !== '' ? candidate : fail(at, 'must be a non-empty string');
  const onlyFields = (at: JsonPath, candidate: Json, allowed: readonly string[], what: string) => {
    for (const key of Object.keys(candidate))
      if (!allowed.includes(key))
        fail([...at, key], `is not a field of ${what} (expected one of: ${allowed.join(', ')})`);
  };
  const required = (at: JsonPath, candidate: Json, fields: readonly string[]) => {
    for (const field of fields) if (!Object.hasOwn(candidate, field)) fail([...at, field], 'is required but missing');
  };
  const categoryIn = (at: JsonPath, candidate: unknown, categories: readonly string[]): string => {
    if (typeof candidate !== 'string' || !categories.includes(candidate))
      fail(at, `must be one of this version's categories (${categories.join(', ')}), not ${JSON.stringify(candidate)}`);
    return candidate as string;
  };
  const rate = (at: JsonPath, candidate: unknown): string =>
    canonicalRate(candidate) ??
    fail(
      at,
      `must be a rate: a non-negative decimal (number or string) with at most ${RATE_DECIMALS} decimal places, not ${JSON.stringify(candidate)}`,
    );

  const root = object([], value, 'an object with a "versions" list');
  onlyFields([], root, ['description', 'versions'], 'a rate card');
  required([], root, ['versions']);
  if (root.description !== undefined && typeof root.description !== 'string') fail(['description'], 'must be a string');
  const rawVersions = list(['versions'], root.versions, 'a list of versions');
  if (rawVersions.length === 0) fail(['versions'], 'must hold at least one version');

  const versions = rawVersions.map((raw, index): RateCardVersion => {
    const at: JsonPath = ['versions', index];
    const v = object(at, raw, 'an object (one rate card version)');
    onlyFields(at, v, VERSION_FIELDS, 'a rate card version');
    required(at, v, REQUIRED_VERSION_FIELDS);

    const effectiveFrom = v.effectiveFrom;
    if (!isDay(effectiveFrom))
      fail([...at, 'effectiveFrom'], `must be a UTC day written YYYY-MM-DD, not ${JSON.stringify(effectiveFrom)}`);
    const previous = index > 0 ? (rawVersions[index - 1] as Json).effectiveFrom : undefined;
    if (typeof previous === 'string' && effectiveFrom <= previous)
      fail(
        [...at, 'effectiveFrom'],
        `must be later than versions[${index - 1}].effectiveFrom (${previous}): versions are listed oldest first`,
      );

    const model = v.model;
    if (typeof model !== 'string' || !(RATE_MODELS as readonly string[]).includes(model))
      fail(
        [...at, 'model'],
        `must be one of ${RATE_MODELS.map((m) => `"${m}"`).join(', ')}, not ${JSON.stringify(model)}`,
      );

    const currency = v.currency;
    if (typeof currency !== 'string' || !CURRENCY.test(currency))
      fail([...at, 'currency'], `must be an ISO 4217 currency code such as "USD", not ${JSON.stringify(currency)}`);
    const firstCurrency = (rawVersions[0] as Json).currency;
    if (index > 0 && currency !== firstCurrency)
      fail([...at, 'currency'], `must be ${String(firstCurrency)} like versions[0]: one report has one currency`);

    const source = text([...at, 'source'], v.source);
    const sourceDate = v.sourceDate;
    if (typeof sourceDate !== 'string' || !(isDay(sourceDate) || isMonth(sourceDate)))
      fail([...at, 'sourceDate'], `must be a date written YYYY-MM-DD or YYYY-MM, not ${JSON.stringify(sourceDate)}`);
    if (v.note !== undefined && typeof v.note !== 'string') fail([...at, 'note'], 'must be a string');

    // markets
    const rawMarkets = object([...at, 'markets'], v.markets, 'an object: market name → list of ISO country codes');
    const markets: Record<string, string[]> = {};
    const marketOfCountry = new Map<string, string>();
    for (const [name, countries] of Object.entries(rawMarkets)) {
      const marketAt: JsonPath = [...at, 'markets', name];
      if (name.trim() === '') fail(marketAt, 'market names must not be empty');
      const codes = list(marketAt, countries, 'a list of ISO country codes').map((code, i): string => {
        if (typeof code !== 'string' || !COUNTRY.test(code))
          fail(
            [...marketAt, i],
            `must be an ISO 3166 alpha-2 country code (two capital letters), not ${JSON.stringify(code)}`,
          );
        const already = marketOfCountry.get(code as string);
        if (already !== undefined)
          fail([...marketAt, i], `${String(code)} is already in market ${JSON.stringify(already)}`);
        marketOfCountry.set(code as string, name);
        return code as string;
      });
      if (name === OTHER_MARKET && codes.length > 0)
        fail(marketAt, 'must be an empty list: Other holds every country that no market lists');
      markets[name] = codes;
    }
    const isMarket = (name: string) => name === OTHER_MARKET || Object.hasOwn(markets, name);

    // categories
    const categories = list([...at, 'categories'], v.categories, 'a list of category names').map((c, i): string => {
      if (typeof c !== 'string' || !CATEGORY.test(c))
        fail(
          [...at, 'categories', i],
          `must be a lowercase category name such as "marketing", not ${JSON.stringify(c)}`,
        );
      return c as string;
    });
    if (categories.length === 0) fail([...at, 'categories'], 'must hold at least one category');
    categories.forEach((c, i) => {
      if (categories.indexOf(c) !== i) fail([...at, 'categories', i], `repeats ${JSON.stringify(c)}`);
    });

    const categoryAliases: Record<string, string> = {};
    const rawAliases = object([...at, 'categoryAliases'], v.categoryAliases ?? {}, 'an object: category → category');
    for (const [alias, target] of Object.entries(rawAliases)) {
      const aliasAt: JsonPath = [...at, 'categoryAliases', alias];
      if (categories.includes(alias)) fail(aliasAt, 'is a category of this version, so it cannot be an alias');
      categoryAliases[alias] = categoryIn(aliasAt, target, categories);
    }

    const rateFallbacks: Record<string, string> = {};
    const rawFallbacks = object([...at, 'rateFallbacks'], v.rateFallbacks ?? {}, 'an object: category → category');
    for (const [from, to] of Object.entries(rawFallbacks)) {
      const fallbackAt: JsonPath = [...at, 'rateFallbacks', from];
      categoryIn(fallbackAt, from, categories);
      rateFallbacks[from] = categoryIn(fallbackAt, to, categories);
    }
    for (const start of Object.keys(rateFallbacks)) {
      const seen = new Set([start]);
      for (let next = rateFallbacks[start]; next !== undefined; next = rateFallbacks[next]) {
        if (seen.has(next)) fail([...at, 'rateFallbacks', start], 'leads round in a circle');
        seen.add(next);
      }
    }

    // rates
    const rawRates = object([...at, 'rates'], v.rates, 'an object: market → category → rate');
    const rates: Record<string, Record<string, string | null>> = {};
    for (const [market, byCategory] of Object.entries(rawRates)) {
      const marketAt: JsonPath = [...at, 'rates', market];
      if (!isMarket(market)) fail(marketAt, 'is not a market of this version (add it to markets first)');
      const entries = object(marketAt, byCategory, 'an object: category → rate');
      const marketRates: Record<string, string | null> = {};
      for (const [category, value] of Object.entries(entries)) {
        const rateAt: JsonPath = [...marketAt, category];
        categoryIn(rateAt, category, categories);
        marketRates[category] = value === null ? null : rate(rateAt, value);
      }
      rates[market] = marketRates;
    }
    if (!Object.hasOwn(rates, OTHER_MARKET))
      fail([...at, 'rates', OTHER_MARKET], 'is required: it prices every market without rates of its own');

    // free rules
    const rawFree = object([...at, 'free'], v.free, 'an object with pricingTypes and categories');
    onlyFields([...at, 'free'], rawFree, ['pricingTypes', 'categories', 'monthlyAllowance'], 'free');
    required([...at, 'free'], rawFree, ['pricingTypes', 'categories']);
    const pricingTypes = list([...at, 'free', 'pricingTypes'], rawFree.pricingTypes, 'a list of pricing types').map(
      (type, i): string => {
        if (typeof type !== 'string' || !(FREE_PRICING_TYPES as readonly string[]).includes(type))
          fail(
            [...at, 'free', 'pricingTypes', i],
            `must be one of ${FREE_PRICING_TYPES.join(', ')}, not ${JSON.stringify(type)}`,
          );
        return type as string;
      },
    );
    const freeCategories = list([...at, 'free', 'categories'], rawFree.categories, 'a list of categories').map((c, i) =>
      categoryIn([...at, 'free', 'categories', i], c, categories),
    );
    const free: FreeRules = { pricingTypes, categories: freeCategories };
    if (rawFree.monthlyAllowance !== undefined) {
      const allowanceAt: JsonPath = [...at, 'free', 'monthlyAllowance'];
      const allowance = object(allowanceAt, rawFree.monthlyAllowance, 'an object { units, categories }');
      onlyFields(allowanceAt, allowance, ['units', 'categories'], 'monthlyAllowance');
      required(allowanceAt, allowance, ['units', 'categories']);
      const units = allowance.units;
      if (typeof units !== 'number' || !Number.isSafeInteger(units) || units <= 0)
        fail([...allowanceAt, 'units'], `must be a positive whole number, not ${JSON.stringify(units)}`);
      const allowanceCategories = list([...allowanceAt, 'categories'], allowance.categories, 'a list of categories');
      if (allowanceCategories.length === 0) fail([...allowanceAt, 'categories'], 'must hold at least one category');
      free.monthlyAllowance = {
        units: units as number,
        categories: allowanceCategories.map((c, i) => categoryIn([...allowanceAt, 'categories', i], c, categories)),
      };
    }

    // volume tiers
    const tiers: Record<string, Record<string, Tier[]>> = {};
    const rawTiers = object([...at, 'tiers'], v.tiers ?? {}, 'an object: market → category → list of tiers');
    for (const [market, byCategory] of Object.entries(rawTiers)) {
      const marketAt: JsonPath = [...at, 'tiers', market];
      if (!isMarket(market)) fail(marketAt, 'is not a market of this version (add it to markets first)');
      const entries = object(marketAt, byCategory, 'an object: category → list of tiers');
      tiers[market] = {};
      for (const [category, rawList] of Object.entries(entries)) {
        const listAt: JsonPath = [...marketAt, category];
        categoryIn(listAt, category, categories);
        const tierList = list(listAt, rawList, 'a list of tiers { upTo, rate }');
        if (tierList.length === 0) fail(listAt, 'must hold at least one tier');
        let floor = 0;
        const parsed = tierList.map((rawTier, i): Tier => {
          const tierAt: JsonPath = [...listAt, i];
          const tier = object(tierAt, rawTier, 'an object { upTo, rate }');
          onlyFields(tierAt, tier, ['upTo', 'rate'], 'a tier');
          required(tierAt, tier, ['upTo', 'rate']);
          const last = i === tierList.length - 1;
          const upTo = tier.upTo;
          if (last && upTo !== null) fail([...tierAt, 'upTo'], 'must be null in the last tier (no upper bound)');
          if (!last && (typeof upTo !== 'number' || !Number.isSafeInteger(upTo) || upTo <= floor))
            fail(
              [...tierAt, 'upTo'],
              `must be a whole number above ${floor} (tiers ascend; only the last is null), not ${JSON.stringify(upTo)}`,
            );
          floor = typeof upTo === 'number' ? upTo : floor;
          return { upTo: upTo as number | null, rate: rate([...tierAt, 'rate'], tier.rate) };
        });
        (tiers[market] as Record<string, Tier[]>)[category] = parsed;
      }
    }

    return {
      effectiveFrom: effectiveFrom as string,
      model: model as RateModel,
      currency: currency as string,
      source,
      sourceDate: sourceDate as string,
      ...(typeof v.note === 'string' ? { note: v.note } : {}),
      markets,
      categories,
      categoryAliases,
      rateFallbacks,
      rates,
      free,
      tiers,
    };
  });

  return { ...(typeof root.description === 'string' ? { description: root.description } : {}), versions };
};

/**
 * Parses and checks a rate card file. A broken one is refused with an Error whose message names the
 * file, the line and the field, e.g.
 * `rate-card.json line 42: versions[3].markets["North America"] must be a list of ISO country codes`.
 */
export const loadRateCard = (text: string, fileName = 'rate-card.json'): RateCard => {
  let located;
  try {
    located = parseJsonWithLines(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError)
      throw new Error(`${fileName} line ${error.line}: not valid JSON: ${error.problem} (column ${error.column})`, {
        cause: error,
      });
    throw error;
  }
  return checkCard(located.value, (path, problem) => {
    throw new Error(`${fileName} line ${located.lineOf(path)}: ${formatPath(path)} ${problem}`);
  });
};

/** Checks a rate card already parsed (no line numbers to give). */
export const checkRateCard = (value: unknown, name = 'rate card'): RateCard =>
  checkCard(value, (path, problem) => {
    throw new Error(`${name}: ${formatPath(path)} ${problem}`);
  });

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
