import { readFileSync } from 'node:fs';
import {
  checkRateCard,
  marketOf,
  priceOf,
  shippedRateCard,
  versionAt,
  versionOn,
  type RateCard,
  type RateCardVersion,
} from './rate-card';
import { loadRateCard } from './rate-card-file';

const SHIPPED_TEXT = readFileSync(new URL('./rate-card.json', import.meta.url), 'utf8');
const card: RateCard = loadRateCard(SHIPPED_TEXT);

const version = (day: string): RateCardVersion => {
  const found = versionOn(card, day);
  if (!found) throw new Error(`no version on ${day}`);
  return found;
};

/** The line (1-based) of the n-th (1-based) occurrence of `needle` in `text`. */
const lineOfOccurrence = (text: string, needle: string, occurrence = 1): number => {
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at === -1) throw new Error(`${needle} occurs fewer than ${occurrence} times`);
  }
  return text.slice(0, at).split('\n').length;
};

const replaceOccurrence = (text: string, needle: string, replacement: string, occurrence = 1): string => {
  let at = -1;
  for (let i = 0; i < occurrence; i++) at = text.indexOf(needle, at + 1);
  return text.slice(0, at) + replacement + text.slice(at + needle.length);
};

const refusal = (text: string, fileName?: string): string => {
  try {
    loadRateCard(text, fileName);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the card was accepted');
};

describe('the shipped rate card', () => {
  const EFFECTIVE_DATES = [
    '2022-02-01',
    '2023-06-01',
    '2024-11-01',
    '2025-07-01',
    '2025-10-01',
    '2026-01-01',
    '2026-07-01',
    '2026-10-01',
  ];

  it('holds the versions of every pricing change, oldest first', () => {
    expect(card.versions.map((v) => v.effectiveFrom)).toEqual(EFFECTIVE_DATES);
    expect(card.versions.map((v) => v.model)).toEqual([
      'conversation',
      'conversation',
      'conversation',
      'per-message',
      'per-message',
      'per-message',
      'per-message',
      'per-message',
    ]);
  });

  it('names its source and date, and says in every version that the figures are unverified', () => {
    for (const v of card.versions) {
      expect(v.currency).toBe('USD');
      expect(v.source).toContain('whatsapp-platform.md §3.5');
      expect(v.sourceDate).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
      expect(v.note).toContain('UNVERIFIED');
    }
  });

  it('is what the bundled JSON import gives too', () => {
    expect(shippedRateCard()).toEqual(card);
    expect(checkRateCard(JSON.parse(SHIPPED_TEXT))).toEqual(card);
  });

  it('lists only countries that the calling code table can produce', () => {
    const table = JSON.parse(readFileSync(new URL('../domain/calling-codes.json', import.meta.url), 'utf8')) as {
      callingCodes: Record<string, string>;
    };
    const known = new Set(Object.values(table.callingCodes).flatMap((list) => list.split(' ')));
    for (const v of card.versions)
      for (const [market, countries] of Object.entries(v.markets))
        for (const country of countries) expect(`${market}: ${country} ${known.has(country)}`).toMatch(/true$/);
  });

  it('carries the figures of whatsapp-platform.md §3.5', () => {
    expect(version('2022-02-01').rates.India).toEqual({ business_initiated: '0.0066', user_initiated: '0.004' });
    expect(version('2023-06-01').rates.Germany).toEqual({
      marketing: '0.1365',
      utility: '0.0853',
      authentication: '0.0768',
      service: '0.0819',
    });
    expect(version('2026-01-01').rates['North America']).toEqual({
      marketing: '0.025',
      utility: '0.0034',
      authentication: '0.0034',
    });
    expect(version('2026-01-01').rates.Other).toEqual({
      marketing: '0.0604',
      utility: '0.0077',
      authentication: '0.0077',
    });
  });

  it('charges service at the utility rate from 2026-10-01', () => {
    const october = version('2026-10-01');
    for (const [market, rates] of Object.entries(october.rates))
      expect([market, rates.service]).toEqual([market, rates.utility]);
    expect(october.free.pricingTypes).toEqual(['free_entry_point']);
  });
});

describe('versionOn / versionAt', () => {
  const pairs = card.versions.map((v, i) => [v.effectiveFrom, i] as const);

  it.each(pairs)('switches to the version of %s on that day, not the day before', (effectiveFrom, index) => {
    const start = Date.parse(`${effectiveFrom}T00:00:00Z`) / 1000;
    const eve = new Date((start - 86400) * 1000).toISOString().slice(0, 10);
    expect(versionOn(card, effectiveFrom)).toBe(card.versions[index]);
    expect(versionOn(card, eve)).toBe(card.versions[index - 1]);
    // at the second: 23:59:59 on the eve is still the old version, 00:00:00 the new one
    expect(versionAt(card, start - 1)).toBe(card.versions[index - 1]);
    expect(versionAt(card, start)).toBe(card.versions[index]);
  });

  it('has no version before the first effective date and keeps the last one in force', () => {
    expect(versionOn(card, '2022-01-31')).toBeUndefined();
    expect(versionOn(card, '2099-12-31')?.effectiveFrom).toBe('2026-10-01');
  });

  it('refuses a day that is not YYYY-MM-DD', () => {
    expect(() => versionOn(card, '2026-02-30')).toThrow(RangeError);
    expect(() => versionOn(card, '2026-1-01')).toThrow(RangeError);
  });
});

describe('marketOf', () => {
  it.each([
    ['2026-01-01', 'US', 'North America'],
    ['2026-01-01', 'CA', 'North America'],
    ['2026-01-01', 'us', 'North America'],
    ['2026-01-01', 'DO', 'Rest of Latin America'],
    ['2026-01-01', 'PR', 'Rest of Latin America'],
    ['2026-01-01', 'GB', 'United Kingdom'],
    ['2026-01-01', 'AT', 'Rest of Western Europe'],
    ['2026-01-01', 'ZZ', 'Other'],
    ['2026-01-01', 'IR', 'Other'],
    ['2025-09-30', 'ZW', 'Other'],
    ['2025-10-01', 'ZW', 'Rest of Africa'],
    ['2026-06-30', 'HK', 'Rest of Asia Pacific'],
    ['2026-07-01', 'HK', 'Hong Kong'],
    ['2026-06-30', 'PL', 'Rest of Central & Eastern Europe'],
    ['2026-07-01', 'PL', 'Poland'],
    ['2026-09-30', 'KZ', 'Russia'],
    ['2026-10-01', 'KZ', 'Kazakhstan'],
    ['2026-09-30', 'UA', 'Rest of Central & Eastern Europe'],
    ['2026-10-01', 'UA', 'Ukraine'],
    ['2026-10-01', 'MA', 'Morocco'],
  ])('on %s puts %s in %s', (day, country, market) => {
    expect(marketOf(version(day), country)).toBe(market);
  });
});

describe('priceOf', () => {
  const unit = (country: string, category: string, pricingType = 'regular') => ({ country, category, pricingType });

  it('uses the market rate, then the category fallback, then the Other market', () => {
    const jan = version('2026-01-01');
    expect(priceOf(jan, unit('IN', 'authentication_international')).rate).toBe('0.028');
    expect(priceOf(jan, unit('DE', 'authentication_international')).rate).toBe('0.055');
    expect(priceOf(jan, unit('BR', 'marketing_lite')).rate).toBe('0.0625');
    expect(priceOf(jan, unit('ES', 'marketing'))).toEqual({
      market: 'Spain',
      category: 'marketing',
      known: true,
      free: false,
      rate: '0.0604',
    });
    expect(priceOf(jan, unit('ES', 'authentication_international')).rate).toBe('0.0077');
  });

  it('maps our categories onto the 2022 names, and the 2022 names onto the 2023 ones', () => {
    expect(priceOf(version('2022-06-01'), unit('DE', 'marketing'))).toMatchObject({
      category: 'business_initiated',
      rate: '0.1365',
    });
    expect(priceOf(version('2022-06-01'), unit('DE', 'SERVICE'))).toMatchObject({
      category: 'user_initiated',
      rate: '0.0819',
    });
    expect(priceOf(version('2023-06-01'), unit('IN', 'user_initiated'))).toMatchObject({
      category: 'service',
      rate: '0.004',
    });
  });

  it('marks unknown categories and missing figures', () => {
    expect(priceOf(version('2026-01-01'), unit('IN', 'unclassified'))).toMatchObject({ known: false, rate: null });
    expect(priceOf(version('2023-06-01'), unit('ES', 'marketing'))).toMatchObject({ known: true, rate: null });
  });

  it('applies the free rules of each version', () => {
    expect(priceOf(version('2024-11-01'), unit('IN', 'service')).free).toBe(true);
    expect(priceOf(version('2024-10-31'), unit('IN', 'service')).free).toBe(false);
    expect(priceOf(version('2026-01-01'), unit('IN', 'utility', 'free_customer_service')).free).toBe(true);
    expect(priceOf(version('2026-10-01'), unit('IN', 'utility', 'free_customer_service')).free).toBe(false);
    expect(priceOf(version('2026-10-01'), unit('IN', 'marketing', 'free_entry_point')).free).toBe(true);
    expect(priceOf(version('2022-06-01'), unit('IN', 'referral_conversion')).free).toBe(true);
  });
});

describe('loadRateCard refuses a broken file, naming the file, the line and the field', () => {
  const VALID = [
    /*  1 */ '{',
    /*  2 */ '  "versions": [',
    /*  3 */ '    {',
    /*  4 */ '      "effectiveFrom": "2025-07-01",',
    /*  5 */ '      "model": "per-message",',
    /*  6 */ '      "currency": "USD",',
    /*  7 */ '      "source": "test figures",',
    /*  8 */ '      "sourceDate": "2025-07",',
    /*  9 */ '      "markets": {',
    /* 10 */ '        "North America": ["US", "CA"],',
    /* 11 */ '        "India": ["IN"],',
    /* 12 */ '        "Other": []',
    /* 13 */ '      },',
    /* 14 */ '      "categories": ["marketing", "utility", "authentication", "service"],',
    /* 15 */ '      "rates": {',
    /* 16 */ '        "India": { "marketing": "0.0118", "utility": 0.0014 },',
    /* 17 */ '        "Other": { "marketing": "0.0604", "utility": "0.0077", "authentication": null }',
    /* 18 */ '      },',
    /* 19 */ '      "free": { "pricingTypes": ["free_customer_service"], "categories": ["service"] },',
    /* 20 */ '      "tiers": {',
    /* 21 */ '        "India": { "utility": [{ "upTo": 100, "rate": "0.0014" }, { "upTo": null, "rate": "0.001" }] }',
    /* 22 */ '      }',
    /* 23 */ '    }',
    /* 24 */ '  ]',
    /* 25 */ '}',
  ];
  const withLine = (line: number, text: string | null): string =>
    VALID.flatMap((original, index) => (index === line - 1 ? (text === null ? [] : [text]) : [original])).join('\n');

  it('accepts the valid card and normalises its rates', () => {
    const loaded = loadRateCard(VALID.join('\n'));
    expect(loaded.versions[0]?.rates.India).toEqual({ marketing: '0.0118', utility: '0.0014' });
    expect(loaded.versions[0]?.rates.Other?.authentication).toBeNull();
    expect(loaded.versions[0]?.tiers.India?.utility).toEqual([
      { upTo: 100, rate: '0.0014' },
      { upTo: null, rate: '0.001' },
    ]);
    expect(loaded.versions[0]?.categoryAliases).toEqual({});
  });

  it.each([
    [
      'a field of the wrong type',
      6,
      '      "currency": 840,',
      'rate-card.json line 6: versions[0].currency must be an ISO 4217 currency code such as "USD", not 840',
    ],
    [
      'a market that is not a list',
      10,
      '        "North America": "US, CA",',
      'rate-card.json line 10: versions[0].markets["North America"] must be a list of ISO country codes',
    ],
    [
      'a missing field (reported at the object that lacks it)',
      5,
      null,
      'rate-card.json line 3: versions[0].model is required but missing',
    ],
    [
      'a date that does not exist',
      4,
      '      "effectiveFrom": "2025-02-30",',
      'rate-card.json line 4: versions[0].effectiveFrom must be a UTC day written YYYY-MM-DD, not "2025-02-30"',
    ],
    [
      'a date in another format',
      4,
      '      "effectiveFrom": "01/07/2025",',
      'rate-card.json line 4: versions[0].effectiveFrom must be a UTC day written YYYY-MM-DD, not "01/07/2025"',
    ],
    [
      'an unknown model',
      5,
      '      "model": "per-conversation",',
      'rate-card.json line 5: versions[0].model must be one of "conversation", "per-message", not "per-conversation"',
    ],
    [
      'a country that is not an ISO code',
      11,
      '        "India": ["in"],',
      'rate-card.json line 11: versions[0].markets.India[0] must be an ISO 3166 alpha-2 country code (two capital letters), not "in"',
    ],
    [
      'a country in two markets',
      11,
      '        "India": ["IN", "US"],',
      'rate-card.json line 11: versions[0].markets.India[1] US is already in market "North America"',
    ],
    [
      'a rate that is not a decimal',
      16,
      '        "India": { "marketing": "0.0118", "utility": "cheap" },',
      'rate-card.json line 16: versions[0].rates.India.utility must be a rate: a non-negative decimal',
    ],
    [
      'a negative rate',
      16,
      '        "India": { "marketing": -0.0118 },',
      'rate-card.json line 16: versions[0].rates.India.marketing must be a rate',
    ],
    [
      'a misspelt category',
      16,
      '        "India": { "marketting": "0.0118" },',
      "rate-card.json line 16: versions[0].rates.India.marketting must be one of this version's categories",
    ],
    [
      'rates for a market that does not exist',
      16,
      '        "Spain": { "marketing": "0.0118" },',
      'rate-card.json line 16: versions[0].rates.Spain is not a market of this version',
    ],
    [
      'a misspelt field',
      8,
      '      "sourceDat": "2025-07",',
      'rate-card.json line 8: versions[0].sourceDat is not a field of a rate card version',
    ],
    [
      'a free pricing type that does not exist',
      19,
      '      "free": { "pricingTypes": ["free_tier"], "categories": ["service"] },',
      'rate-card.json line 19: versions[0].free.pricingTypes[0] must be one of free_customer_service, free_entry_point, not "free_tier"',
    ],
    [
      'tiers that do not ascend',
      21,
      '        "India": { "utility": [{ "upTo": 100, "rate": "0.0014" }, { "upTo": 50, "rate": "0.001" }, { "upTo": null, "rate": "0.001" }] }',
      'rate-card.json line 21: versions[0].tiers.India.utility[1].upTo must be a whole number above 100',
    ],
    [
      'a last tier with a bound',
      21,
      '        "India": { "utility": [{ "upTo": 100, "rate": "0.0014" }] }',
      'rate-card.json line 21: versions[0].tiers.India.utility[0].upTo must be null in the last tier (no upper bound)',
    ],
    [
      'a syntax error',
      12,
      '        "Other": [],',
      'rate-card.json line 13: not valid JSON: expected a property name in double quotes, found "},',
    ],
  ])('%s', (_what, line, text, message) => {
    expect(refusal(withLine(line, text))).toContain(message);
  });

  it('refuses a card without rates for the Other market', () => {
    const text = withLine(17, null).replace('"utility": 0.0014 },', '"utility": 0.0014 }');
    expect(refusal(text)).toBe(
      'rate-card.json line 15: versions[0].rates.Other is required: it prices every market without rates of its own',
    );
  });

  it('names the file it was given', () => {
    expect(refusal(withLine(5, '      "model": 2,'), 'cards/acme.json')).toMatch(/^cards\/acme\.json line 5: /);
  });

  it('points into the shipped file: a market that is not a list', () => {
    const needle = '"North America": ["CA", "US"]';
    const text = replaceOccurrence(SHIPPED_TEXT, needle, '"North America": "US, CA"', 4);
    expect(refusal(text)).toBe(
      `rate-card.json line ${lineOfOccurrence(SHIPPED_TEXT, needle, 4)}: ` +
        'versions[3].markets["North America"] must be a list of ISO country codes',
    );
  });

  it('points into the shipped file: versions out of order', () => {
    const needle = '"effectiveFrom": "2023-06-01"';
    const text = SHIPPED_TEXT.replace(needle, '"effectiveFrom": "2021-06-01"');
    expect(refusal(text)).toBe(
      `rate-card.json line ${lineOfOccurrence(SHIPPED_TEXT, needle)}: versions[1].effectiveFrom must be later than ` +
        'versions[0].effectiveFrom (2022-02-01): versions are listed oldest first',
    );
  });

  it('refuses a card whose versions change currency', () => {
    const needle = '"currency": "USD"';
    const text = replaceOccurrence(SHIPPED_TEXT, needle, '"currency": "EUR"', 3);
    expect(refusal(text)).toBe(
      `rate-card.json line ${lineOfOccurrence(SHIPPED_TEXT, needle, 3)}: versions[2].currency must be USD like versions[0]: one report has one currency`,
    );
  });

  it('refuses an empty or non-object card', () => {
    expect(refusal('[]')).toBe('rate-card.json line 1: (root) must be an object with a "versions" list');
    expect(refusal('{ "versions": [] }')).toBe('rate-card.json line 1: versions must hold at least one version');
  });
});
