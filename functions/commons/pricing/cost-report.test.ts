import { readFileSync } from 'node:fs';
import { computeCostReport, type CostCell, type CostReport, type CostRow } from './cost-report';
import { checkRateCard, type RateCard } from './rate-card';
import { loadRateCard } from './rate-card-file';

const card: RateCard = loadRateCard(readFileSync(new URL('./rate-card.json', import.meta.url), 'utf8'));

const cell = (
  day: string,
  country: string,
  category: string,
  units: number,
  more: Partial<Pick<CostCell, 'kind' | 'phoneNumberId' | 'pricingType'>> = {},
): CostCell => {
  const kind = more.kind ?? (day < '2025-07-01' ? 'conversation' : 'message');
  return {
    day,
    kind,
    phoneNumberId: more.phoneNumberId ?? 'A',
    country,
    category,
    pricingModel: kind === 'conversation' ? 'CBP' : 'PMP',
    pricingType: more.pricingType ?? 'regular',
    units,
  };
};

/** The fields that identify and price a row, for compact expectations. */
const brief = (row: CostRow) => {
  const { day, phoneNumberId, country, market, category, pricingModel, billableUnits, freeUnits, rate, cost } = row;
  return [
    day,
    phoneNumberId,
    country,
    market,
    category,
    pricingModel,
    billableUnits,
    freeUnits,
    rate,
    cost,
    ...(row.tier ? [row.tier] : []),
    ...(row.unpriced ? ['unpriced'] : []),
  ];
};

const micros = (amount: number): number => Math.round(amount * 1e6);
const expectTotalIsSumOfRows = (report: CostReport) => {
  const sum = report.rows.reduce((total, row) => total + micros(row.cost), 0);
  expect(micros(report.total)).toBe(sum);
  expect(Math.round(report.total * 100)).toBe(Math.round(report.rows.reduce((t, r) => t + r.cost, 0) * 100));
};

/** A test card of one per-message version in USD from 2026-01-01: `version` gives its markets, rates and rules. */
const cardFrom2026 = (version: Record<string, unknown>): RateCard =>
  checkRateCard({
    versions: [
      {
        effectiveFrom: '2026-01-01',
        model: 'per-message',
        currency: 'USD',
        source: 'test',
        sourceDate: '2026-01',
        ...version,
      },
    ],
  });

const report = (from: string, to: string, cells: CostCell[], rateCard: RateCard = card) =>
  computeCostReport({ rateCard, cells, from, to });

describe('the version in force on each day', () => {
  it('prices conversations before 2025-07-01 and delivered messages from that day on', () => {
    const cells = [
      cell('2025-06-30', 'IN', 'marketing', 4, { kind: 'conversation' }),
      cell('2025-06-30', 'IN', 'marketing', 9, { kind: 'message' }),
      cell('2025-07-01', 'IN', 'marketing', 3, { kind: 'conversation' }),
      cell('2025-07-01', 'IN', 'marketing', 10, { kind: 'message' }),
    ];
    const result = report('2025-06-30', '2025-07-01', cells);
    expect(result.rows.map(brief)).toEqual([
      ['2025-06-30', 'A', 'IN', 'India', 'marketing', 'CBP', 4, 0, 0.0107, 0.0428],
      ['2025-07-01', 'A', 'IN', 'India', 'marketing', 'PMP', 10, 0, 0.0107, 0.107],
    ]);
    expect(result.rateCardVersions).toEqual(['2024-11-01', '2025-07-01']);
    expect(result.total).toBe(0.1498);
  });

  it('changes rates on the effective day and not the day before', () => {
    const cells = [cell('2025-12-31', 'IN', 'marketing', 1), cell('2026-01-01', 'IN', 'marketing', 1)];
    expect(report('2025-12-31', '2026-01-01', cells).rows.map((row) => row.rate)).toEqual([0.0107, 0.0118]);
  });

  it('refuses a day in the range that no version covers', () => {
    expect(() => report('2022-01-31', '2022-02-01', [cell('2022-01-31', 'IN', 'marketing', 1)])).toThrow(
      'no rate card version is in force on 2022-01-31: the card starts on 2022-02-01',
    );
  });
});

describe('free rules', () => {
  const ruleDay = (d: string) => [
    cell(d, 'IN', 'service', 10, { pricingType: 'free_customer_service' }),
    cell(d, 'IN', 'utility', 10, { pricingType: 'free_customer_service' }),
    cell(d, 'IN', 'marketing', 3, { pricingType: 'free_entry_point' }),
    cell(d, 'DE', 'service', 1),
  ];
  it.each([
    {
      rule: '2022: the first 1,000 conversations of a month are free, across days and categories, per number',
      from: '2022-03-02',
      to: '2022-04-01',
      cells: [
        cell('2022-02-28', 'DE', 'marketing', 999), // previous month: no effect
        cell('2022-03-01', 'DE', 'marketing', 600), // before `from`: counts, no row
        cell('2022-03-02', 'DE', 'service', 300),
        cell('2022-03-02', 'DE', 'utility', 250),
        cell('2022-03-02', 'DE', 'marketing', 5, { phoneNumberId: 'B' }),
        cell('2022-03-02', 'DE', 'marketing', 7, { kind: 'message' }), // messages are not units in 2022
        cell('2022-03-03', 'DE', 'marketing', 50),
        cell('2022-03-03', 'DE', 'marketing', 20, { pricingType: 'free_entry_point' }),
        cell('2022-04-01', 'DE', 'marketing', 10),
      ],
      rows: [
        ['2022-03-02', 'A', 'DE', 'Germany', 'business_initiated', 'CBP', 150, 100, 0.1365, 20.475],
        ['2022-03-02', 'A', 'DE', 'Germany', 'user_initiated', 'CBP', 0, 300, 0.0819, 0],
        ['2022-03-02', 'B', 'DE', 'Germany', 'business_initiated', 'CBP', 0, 5, 0.1365, 0],
        ['2022-03-03', 'A', 'DE', 'Germany', 'business_initiated', 'CBP', 50, 20, 0.1365, 6.825],
        ['2022-04-01', 'A', 'DE', 'Germany', 'business_initiated', 'CBP', 0, 10, 0.1365, 0],
      ],
      total: 27.3,
    },
    {
      rule: '2023-06 to 2024-10: only service conversations share the 1,000 free',
      from: '2023-07-01',
      to: '2023-07-02',
      cells: [
        cell('2023-07-01', 'IN', 'service', 700),
        cell('2023-07-01', 'IN', 'marketing', 100),
        cell('2023-07-02', 'IN', 'service', 500),
        cell('2023-07-02', 'IN', 'user_initiated', 50),
      ],
      rows: [
        ['2023-07-01', 'A', 'IN', 'India', 'marketing', 'CBP', 100, 0, 0.0099, 0.99],
        ['2023-07-01', 'A', 'IN', 'India', 'service', 'CBP', 0, 700, 0.004, 0],
        ['2023-07-02', 'A', 'IN', 'India', 'service', 'CBP', 250, 300, 0.004, 1],
      ],
      total: 1.99,
    },
    {
      rule: '2024-11-01: service conversations are free, without limit',
      from: '2024-10-31',
      to: '2024-11-01',
      cells: [
        cell('2024-10-31', 'IN', 'service', 1500),
        cell('2024-11-01', 'IN', 'service', 1500),
        cell('2024-11-01', 'IN', 'marketing', 10),
      ],
      rows: [
        ['2024-10-31', 'A', 'IN', 'India', 'service', 'CBP', 500, 1000, 0.004, 2],
        ['2024-11-01', 'A', 'IN', 'India', 'marketing', 'CBP', 10, 0, 0.0107, 0.107],
        ['2024-11-01', 'A', 'IN', 'India', 'service', 'CBP', 0, 1500, 0, 0],
      ],
      total: 2.107,
    },
    {
      rule: 'per-message pricing: free customer service, free entry point and service messages are free',
      from: '2025-07-01',
      to: '2025-07-01',
      cells: [
        cell('2025-07-01', 'IN', 'marketing', 10),
        cell('2025-07-01', 'IN', 'marketing', 2, { pricingType: 'free_entry_point' }),
        cell('2025-07-01', 'IN', 'utility', 3),
        cell('2025-07-01', 'IN', 'utility', 5, { pricingType: 'free_customer_service' }),
        cell('2025-07-01', 'IN', 'service', 7, { pricingType: 'free_customer_service' }),
        cell('2025-07-01', 'IN', 'referral_conversion', 4, { pricingType: 'free_entry_point' }),
      ],
      rows: [
        ['2025-07-01', 'A', 'IN', 'India', 'marketing', 'PMP', 10, 2, 0.0107, 0.107],
        ['2025-07-01', 'A', 'IN', 'India', 'referral_conversion', 'PMP', 0, 4, 0, 0],
        ['2025-07-01', 'A', 'IN', 'India', 'service', 'PMP', 0, 7, 0, 0],
        ['2025-07-01', 'A', 'IN', 'India', 'utility', 'PMP', 3, 5, 0.0014, 0.0042],
      ],
      total: 0.1112,
    },
    {
      rule: '2026-10-01: service messages and in-window utility templates are charged at the utility rate',
      from: '2026-09-30',
      to: '2026-10-01',
      cells: [...ruleDay('2026-09-30'), ...ruleDay('2026-10-01')],
      rows: [
        ['2026-09-30', 'A', 'DE', 'Germany', 'service', 'PMP', 0, 1, 0, 0],
        ['2026-09-30', 'A', 'IN', 'India', 'marketing', 'PMP', 0, 3, 0.0118, 0],
        ['2026-09-30', 'A', 'IN', 'India', 'service', 'PMP', 0, 10, 0, 0],
        ['2026-09-30', 'A', 'IN', 'India', 'utility', 'PMP', 0, 10, 0.0014, 0],
        ['2026-10-01', 'A', 'DE', 'Germany', 'service', 'PMP', 1, 0, 0.055, 0.055],
        ['2026-10-01', 'A', 'IN', 'India', 'marketing', 'PMP', 0, 3, 0.0118, 0],
        ['2026-10-01', 'A', 'IN', 'India', 'service', 'PMP', 10, 0, 0.0014, 0.014],
        ['2026-10-01', 'A', 'IN', 'India', 'utility', 'PMP', 10, 0, 0.0014, 0.014],
      ],
      total: 0.083,
    },
  ])('$rule', ({ from, to, cells, rows, total }) => {
    const result = report(from, to, cells);
    expect(result.rows.map(brief)).toEqual(rows);
    expect(result.total).toBe(total);
    expectTotalIsSumOfRows(result);
  });
});

describe('volume tiers', () => {
  const tiered = cardFrom2026({
    markets: { India: ['IN'], 'North America': ['US', 'CA'] },
    categories: ['marketing', 'utility', 'authentication', 'service'],
    rates: { India: { marketing: '0.0118' }, Other: { marketing: '0.0604', utility: '0.0077' } },
    free: { pricingTypes: ['free_customer_service', 'free_entry_point'], categories: ['service'] },
    tiers: {
      India: {
        utility: [
          { upTo: 100, rate: '0.0014' },
          { upTo: 250, rate: '0.0012' },
          { upTo: null, rate: '0.001' },
        ],
      },
    },
  });

  it('splits a day that crosses a tier, shares the count across numbers, resets each month', () => {
    const cells = [
      cell('2026-01-01', 'IN', 'utility', 80), // before `from`: counts toward the tier
      cell('2026-01-02', 'IN', 'utility', 100),
      cell('2026-01-02', 'IN', 'utility', 7, { pricingType: 'free_customer_service' }), // free: not counted
      cell('2026-01-02', 'IN', 'marketing', 2),
      cell('2026-01-03', 'IN', 'utility', 200, { phoneNumberId: 'B' }),
      cell('2026-02-01', 'IN', 'utility', 10),
    ];
    const result = report('2026-01-02', '2026-02-01', cells, tiered);
    expect(result.rows.map(brief)).toEqual([
      ['2026-01-02', 'A', 'IN', 'India', 'marketing', 'PMP', 2, 0, 0.0118, 0.0236],
      ['2026-01-02', 'A', 'IN', 'India', 'utility', 'PMP', 20, 7, 0.0014, 0.028, '0:100'],
      ['2026-01-02', 'A', 'IN', 'India', 'utility', 'PMP', 80, 0, 0.0012, 0.096, '100:250'],
      ['2026-01-03', 'B', 'IN', 'India', 'utility', 'PMP', 70, 0, 0.0012, 0.084, '100:250'],
      ['2026-01-03', 'B', 'IN', 'India', 'utility', 'PMP', 130, 0, 0.001, 0.13, '250:MAX'],
      ['2026-02-01', 'A', 'IN', 'India', 'utility', 'PMP', 10, 0, 0.0014, 0.014, '0:100'],
    ]);
    expectTotalIsSumOfRows(result);
  });

  it('applies tiers only where the version defines them', () => {
    const result = report('2026-01-02', '2026-01-02', [cell('2026-01-02', 'US', 'utility', 500)], tiered);
    expect(result.rows.map(brief)).toEqual([
      ['2026-01-02', 'A', 'US', 'North America', 'utility', 'PMP', 500, 0, 0.0077, 3.85],
    ]);
  });
});

describe('rounding', () => {
  it('keeps one unit at $0.0014', () => {
    const result = report('2026-01-01', '2026-01-01', [cell('2026-01-01', 'IN', 'utility', 1)]);
    expect(result.rows.map((row) => [row.rate, row.cost])).toEqual([[0.0014, 0.0014]]);
    expect(result.total).toBe(0.0014);
  });

  it('keeps millions of units exact', () => {
    const result = report('2026-01-01', '2026-01-01', [
      cell('2026-01-01', 'IN', 'utility', 1_234_567),
      cell('2026-01-01', 'DE', 'marketing', 3_000_000),
      cell('2026-01-01', 'ES', 'marketing', 999_999),
    ]);
    expect(result.rows.map((row) => row.cost)).toEqual([409500, 60399.9396, 1728.3938]);
    expect(result.total).toBe(471628.3334);
    expectTotalIsSumOfRows(result);
  });

  it('rounds each row once, half away from zero, when a rate has more than six decimals', () => {
    const fine = cardFrom2026({
      markets: { India: ['IN'] },
      categories: ['marketing'],
      rates: { Other: { marketing: '0.0000015' } },
      free: { pricingTypes: [], categories: [] },
    });
    const result = report(
      '2026-01-01',
      '2026-01-01',
      [cell('2026-01-01', 'IN', 'marketing', 1), cell('2026-01-01', 'US', 'marketing', 3)],
      fine,
    );
    expect(result.rows.map((row) => row.cost)).toEqual([0.000002, 0.000005]); // 1.5 µ → 2, 4.5 µ → 5
    expect(result.total).toBe(0.000007);
    expectTotalIsSumOfRows(result);
  });

  it('makes the total the sum of the rows over a busy month', () => {
    const countries = ['IN', 'DE', 'BR', 'US', 'GB', 'ES', 'CO', 'ID'];
    const categories = ['marketing', 'utility', 'authentication', 'authentication_international', 'service'];
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const cells: CostCell[] = [];
    for (let d = 1; d <= 31; d++)
      for (const country of countries)
        for (const category of categories)
          cells.push(cell(`2026-01-${String(d).padStart(2, '0')}`, country, category, next() % 50_000));
    const result = report('2026-01-01', '2026-01-31', cells);
    expect(result.rows).toHaveLength(31 * countries.length * categories.length);
    expectTotalIsSumOfRows(result);
  });
});

describe('cost independent of volume', () => {
  /** A month of traffic: 20 days × 5 countries × `perCell` units, all in one category. */
  const month = (days: string[], perCell: number, category: string) =>
    days.flatMap((day) => ['IN', 'DE', 'BR', 'US', 'ES'].map((country) => cell(day, country, category, perCell)));
  const daysOf = (prefix: string) =>
    Array.from({ length: 20 }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);

  it('gives the same rows for 1,000 and for 1,000,000 delivered messages in a month', () => {
    const small = report('2026-01-01', '2026-01-31', month(daysOf('2026-01'), 10, 'marketing'));
    const large = report('2026-01-01', '2026-01-31', month(daysOf('2026-01'), 10_000, 'marketing'));
    expect(small.rows).toHaveLength(100);
    expect(large.rows).toHaveLength(small.rows.length);
    expect(micros(large.total)).toBe(micros(small.total) * 1000);
  });

  it('gives the same rows for 1,000 and for 1,000,000 conversations in a month', () => {
    const small = report('2024-05-01', '2024-05-31', month(daysOf('2024-05'), 10, 'service'));
    const large = report('2024-05-01', '2024-05-31', month(daysOf('2024-05'), 10_000, 'service'));
    expect(small.rows).toHaveLength(100);
    expect(large.rows).toHaveLength(small.rows.length);
    expect(small.rows.every((row) => row.billableUnits === 0)).toBe(true); // all inside the 1,000 free
  });
});

describe('the cells', () => {
  it('sums cells of the same unit (shards), and counts a negative sum as zero with a warning', () => {
    const result = report('2026-01-01', '2026-01-01', [
      cell('2026-01-01', 'IN', 'marketing', 2),
      cell('2026-01-01', 'IN', 'marketing', -1),
      cell('2026-01-01', 'IN', 'marketing', 3),
      cell('2026-01-01', 'IN', 'utility', 1),
      cell('2026-01-01', 'IN', 'utility', -2),
    ]);
    expect(result.rows.map(brief)).toEqual([
      ['2026-01-01', 'A', 'IN', 'India', 'marketing', 'PMP', 4, 0, 0.0118, 0.0472],
    ]);
    expect(result.warnings).toEqual([
      '2026-01-01 message A IN utility regular: -1 units after summing the shards, counted as 0',
    ]);
  });

  it('prices unclassified units and units without a figure at 0 and lists them', () => {
    const result = report('2026-01-01', '2026-01-01', [cell('2026-01-01', 'ZZ', 'unclassified', 3)]);
    expect(result.rows.map(brief)).toEqual([
      ['2026-01-01', 'A', 'ZZ', 'Other', 'unclassified', 'PMP', 3, 0, 0, 0, 'unpriced'],
    ]);
    expect(result.unpricedUnits).toBe(3);
    const old = report('2023-07-01', '2023-07-01', [cell('2023-07-01', 'ES', 'marketing', 4)]);
    expect(old.rows.map(brief)).toEqual([
      ['2023-07-01', 'A', 'ES', 'Spain', 'marketing', 'CBP', 4, 0, 0, 0, 'unpriced'],
    ]);
    expect(old.unpricedUnits).toBe(4);
  });

  it('gives the same report whatever the order of the cells', () => {
    const cells = [
      cell('2022-03-02', 'DE', 'service', 700),
      cell('2022-03-02', 'IN', 'marketing', 700),
      cell('2022-03-01', 'GB', 'utility', 100, { phoneNumberId: 'B' }),
      cell('2022-03-02', 'GB', 'utility', 100, { phoneNumberId: 'B' }),
    ];
    const forward = report('2022-03-01', '2022-03-02', cells);
    expect(report('2022-03-01', '2022-03-02', [...cells].reverse())).toEqual(forward);
  });

  it('answers the design shape with the fields in order', () => {
    const result = report('2026-01-01', '2026-01-01', [cell('2026-01-01', 'IN', 'marketing', 1)]);
    expect(Object.keys(result)).toEqual('from to currency total rows rateCardVersions unpricedUnits'.split(' '));
    expect(Object.keys(result.rows[0] ?? {})).toEqual(
      'day phoneNumberId country market category pricingModel billableUnits freeUnits rate cost'.split(' '),
    );
    expect(result.currency).toBe('USD');
  });

  it('refuses a malformed or reversed range', () => {
    expect(() => report('2026-01-02', '2026-01-01', [])).toThrow('from (2026-01-02) is after to (2026-01-01)');
    expect(() => report('2026-1-01', '2026-01-01', [])).toThrow(RangeError);
    expect(report('2026-01-01', '2026-01-31', [])).toMatchObject({ total: 0, rows: [] });
  });
});
