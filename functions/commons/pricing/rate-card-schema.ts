/**
 * The rate card's schema (valibot). Each field's message says what the field must be and echoes the
 * value that was found, so `versions[0].currency must be an ISO 4217 currency code such as "USD", not 840`
 * is enough to fix a file; the rules between fields (a country in one market, categories and markets
 * that exist, versions in order, ascending tiers) are checked once the shape is right.
 */
import {
  array,
  check,
  custom,
  minLength,
  nullable,
  optional,
  picklist,
  pipe,
  rawCheck,
  record,
  string,
  strictObject,
  transform,
  unknown,
  type BaseIssue,
  type BaseSchema,
  type InferOutput,
  type ObjectEntries,
} from 'valibot';
import { isObject } from '#commons/json';
import { canonicalRate, RATE_DECIMALS } from './money';

export type JsonPath = ReadonlyArray<string | number>;

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

export const RATE_MODELS = ['conversation', 'per-message'] as const;
/** Pricing types that a version may declare free (Meta's `pricing.type` values other than `regular`). */
export const FREE_PRICING_TYPES = ['free_customer_service', 'free_entry_point'] as const;
export const OTHER_MARKET = 'Other';

const not = (what: string) => (issue: { input: unknown }) => `${what}, not ${JSON.stringify(issue.input)}`;

/** Any value for which `test` holds, else `message`. */
const valueThat = <T>(test: (value: unknown) => boolean, message: string | ((issue: { input: unknown }) => string)) =>
  custom<T>(test, message);

/** A JSON object of exactly these fields: a missing one or one it does not know is named. */
const fields = <const E extends ObjectEntries>(entries: E, what: string, shape: string) => {
  const names = Object.keys(entries).join(', ');
  return pipe(
    valueThat<Record<string, unknown>>(isObject, `must be ${shape}`),
    strictObject(entries, (issue) =>
      issue.expected === 'never' ? `is not a field of ${what} (expected one of: ${names})` : 'is required but missing',
    ),
  );
};

/** A JSON object used as a map (market → …, category → …). */
const map = <V extends BaseSchema<unknown, unknown, BaseIssue<unknown>>>(value: V, shape: string) =>
  pipe(valueThat<Record<string, unknown>>(isObject, `must be ${shape}`), record(string(), value));

const list = <V extends BaseSchema<unknown, unknown, BaseIssue<unknown>>>(item: V, shape: string) =>
  array(item, `must be ${shape}`);

const atLeastOne = (what: string) => `must hold at least one ${what}`;
/**
 * The schema, built on its first use: built at module scope, it would be in every bundle that imports
 * a lookup from ./rate-card, even a Lambda's whose card was checked at synth (./active-rate-card).
 */
const buildSchema = () => {
  const rate = pipe(
    valueThat<string | number>(
      (value) => canonicalRate(value) !== undefined,
      not(`must be a rate: a non-negative decimal (number or string) with at most ${RATE_DECIMALS} decimal places`),
    ),
    transform((value) => canonicalRate(value) as string),
  );

  const wholeAbove = (floor: number) => (value: unknown) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value > floor;

  const tier = fields({ upTo: unknown(), rate }, 'a tier', 'an object { upTo, rate }');
  const tierList = list(tier, 'a list of tiers { upTo, rate }');

  /** Each tier's `upTo` is cumulative: ascending whole numbers, the last one null (no bound). */
  const ascendingTiers = rawCheck<InferOutput<typeof tierList>>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    let floor = 0;
    dataset.value.forEach(({ upTo }, index) => {
      const last = index === dataset.value.length - 1;
      const at = (message: string) => addIssue({ message, path: pathOf(dataset.value, [index, 'upTo']) });
      if (last && upTo !== null) at('must be null in the last tier (no upper bound)');
      if (!last && !wholeAbove(floor)(upTo))
        at(`must be a whole number above ${floor} (tiers ascend; only the last is null), not ${JSON.stringify(upTo)}`);
      floor = typeof upTo === 'number' ? upTo : floor;
    });
  });

  const categoryMap = map(unknown(), 'an object: category → category');

  const version = fields(
    {
      effectiveFrom: valueThat<string>(isDay, not('must be a UTC day written YYYY-MM-DD')),
      model: picklist(RATE_MODELS, not(`must be one of ${RATE_MODELS.map((m) => `"${m}"`).join(', ')}`)),
      currency: valueThat<string>(
        (value) => typeof value === 'string' && CURRENCY.test(value),
        not('must be an ISO 4217 currency code such as "USD"'),
      ),
      source: pipe(
        string('must be a non-empty string'),
        check((value) => value.trim() !== '', 'must be a non-empty string'),
      ),
      sourceDate: valueThat<string>(
        (value) => typeof value === 'string' && (isDay(value) || isMonth(value)),
        not('must be a date written YYYY-MM-DD or YYYY-MM'),
      ),
      note: optional(string('must be a string')),
      markets: map(
        list(
          valueThat<string>(
            (value) => typeof value === 'string' && COUNTRY.test(value),
            not('must be an ISO 3166 alpha-2 country code (two capital letters)'),
          ),
          'a list of ISO country codes',
        ),
        'an object: market name → list of ISO country codes',
      ),
      categories: pipe(
        list(
          valueThat<string>(
            (value) => typeof value === 'string' && CATEGORY.test(value),
            not('must be a lowercase category name such as "marketing"'),
          ),
          'a list of category names',
        ),
        minLength(1, atLeastOne('category')),
      ),
      categoryAliases: optional(categoryMap, {}),
      rateFallbacks: optional(categoryMap, {}),
      rates: map(map(nullable(rate), 'an object: category → rate'), 'an object: market → category → rate'),
      free: fields(
        {
          pricingTypes: list(
            picklist(FREE_PRICING_TYPES, not(`must be one of ${FREE_PRICING_TYPES.join(', ')}`)),
            'a list of pricing types',
          ),
          categories: list(unknown(), 'a list of categories'),
          monthlyAllowance: optional(
            fields(
              {
                units: valueThat<number>(wholeAbove(0), not('must be a positive whole number')),
                categories: pipe(list(unknown(), 'a list of categories'), minLength(1, atLeastOne('category'))),
              },
              'monthlyAllowance',
              'an object { units, categories }',
            ),
          ),
        },
        'free',
        'an object with pricingTypes and categories',
      ),
      tiers: optional(
        map(
          map(pipe(tierList, minLength(1, atLeastOne('tier')), ascendingTiers), 'an object: category → list of tiers'),
          'an object: market → category → list of tiers',
        ),
        {},
      ),
    },
    'a rate card version',
    'an object (one rate card version)',
  );

  /** A path item for an issue found by a rule between fields (valibot's shape for a path step). */
  const pathOf = (input: unknown, keys: JsonPath) =>
    keys.map((key) => ({ type: 'object', origin: 'value', input, key, value: undefined })) as unknown as [
      { type: 'object'; origin: 'value'; input: Record<string, unknown>; key: string; value: unknown },
    ];

  /** The rules between a version's fields: countries, categories and markets must refer to what exists. */
  const consistentVersion = rawCheck<InferOutput<typeof version>>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const v = dataset.value;
    const fail = (keys: JsonPath, message: string) => addIssue({ message, path: pathOf(v, keys) });
    const marketOfCountry = new Map<string, string>();
    for (const [name, countries] of Object.entries(v.markets)) {
      if (name.trim() === '') fail(['markets', name], 'market names must not be empty');
      countries.forEach((code, i) => {
        const already = marketOfCountry.get(code);
        if (already !== undefined)
          fail(['markets', name, i], `${code} is already in market ${JSON.stringify(already)}`);
        else marketOfCountry.set(code, name);
      });
      if (name === OTHER_MARKET && countries.length > 0)
        fail(['markets', name], 'must be an empty list: Other holds every country that no market lists');
    }
    const isMarket = (name: string) => name === OTHER_MARKET || Object.hasOwn(v.markets, name);
    const { categories } = v;
    const isCategory = (keys: JsonPath, candidate: unknown) => {
      if (typeof candidate === 'string' && categories.includes(candidate)) return true;
      fail(
        keys,
        `must be one of this version's categories (${categories.join(', ')}), not ${JSON.stringify(candidate)}`,
      );
      return false;
    };
    categories.forEach((c, i) => {
      if (categories.indexOf(c) !== i) fail(['categories', i], `repeats ${JSON.stringify(c)}`);
    });
    for (const [alias, target] of Object.entries(v.categoryAliases)) {
      if (categories.includes(alias))
        fail(['categoryAliases', alias], 'is a category of this version, so it cannot be an alias');
      else isCategory(['categoryAliases', alias], target);
    }
    for (const [from, to] of Object.entries(v.rateFallbacks))
      if (isCategory(['rateFallbacks', from], from)) isCategory(['rateFallbacks', from], to);
    for (const start of Object.keys(v.rateFallbacks)) {
      const seen = new Set([start]);
      for (let next = v.rateFallbacks[start]; typeof next === 'string'; next = v.rateFallbacks[next]) {
        if (seen.has(next)) {
          fail(['rateFallbacks', start], 'leads round in a circle');
          break;
        }
        seen.add(next);
      }
    }
    for (const [field, byMarket] of [
      ['rates', v.rates],
      ['tiers', v.tiers],
    ] as const) {
      for (const [market, byCategory] of Object.entries(byMarket)) {
        if (!isMarket(market)) fail([field, market], 'is not a market of this version (add it to markets first)');
        else for (const category of Object.keys(byCategory)) isCategory([field, market, category], category);
      }
    }
    if (!Object.hasOwn(v.rates, OTHER_MARKET))
      fail(['rates', OTHER_MARKET], 'is required: it prices every market without rates of its own');
    v.free.categories.forEach((c, i) => isCategory(['free', 'categories', i], c));
    v.free.monthlyAllowance?.categories.forEach((c, i) => isCategory(['free', 'monthlyAllowance', 'categories', i], c));
  });

  /** Versions oldest first, in one currency: one report has one currency. */
  const orderedVersions = rawCheck<Array<InferOutput<typeof version>>>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const versions = dataset.value;
    versions.forEach((v, index) => {
      const previous = versions[index - 1];
      const fail = (field: string, message: string) => addIssue({ message, path: pathOf(v, [index, field]) });
      if (previous && v.effectiveFrom <= previous.effectiveFrom)
        fail(
          'effectiveFrom',
          `must be later than versions[${index - 1}].effectiveFrom (${previous.effectiveFrom}): versions are listed oldest first`,
        );
      if (previous && v.currency !== versions[0]?.currency)
        fail('currency', `must be ${versions[0]?.currency} like versions[0]: one report has one currency`);
    });
  });

  return fields(
    {
      description: optional(string('must be a string')),
      versions: pipe(
        list(pipe(version, consistentVersion), 'a list of versions'),
        minLength(1, atLeastOne('version')),
        orderedVersions,
      ),
    },
    'a rate card',
    'an object with a "versions" list',
  );
};

let schema: ReturnType<typeof buildSchema> | undefined;
export const rateCardSchema = (): ReturnType<typeof buildSchema> => (schema ??= buildSchema());
