import type { CostCell } from '#pricing/cost-report';
import { shippedRateCard } from '#pricing/rate-card';
import { costCell, pricedReport } from '#test/cost-cells';
import {
  numberTrends,
  parseDisplayNumbers,
  previousRange,
  reportCaveats,
  topTemplates,
  withInsights,
} from './report-insights';

const card = shippedRateCard();
const cell = (day: string, phoneNumberId: string, category: string, units: number, more: Partial<CostCell> = {}) =>
  costCell(day, 'US', category, units, { phoneNumberId, ...more });
const priced = (from: string, to: string, cells: CostCell[]) => pricedReport(from, to, cells);

describe('the previous period', () => {
  it('has the same length and ends the day before, across months and years', () => {
    expect(previousRange({ from: '2026-12-01', to: '2026-12-01' })).toEqual({ from: '2026-11-30', to: '2026-11-30' });
    expect(previousRange({ from: '2026-12-01', to: '2026-12-07' })).toEqual({ from: '2026-11-24', to: '2026-11-30' });
    expect(previousRange({ from: '2026-01-01', to: '2026-01-31' })).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(previousRange({ from: '2024-03-01', to: '2024-03-01' })).toEqual({ from: '2024-02-29', to: '2024-02-29' });
  });
});

describe('per business number', () => {
  // US utility 0.0034, marketing 0.025 under the 2026 versions
  const cells = [
    cell('2026-11-29', 'A', 'utility', 100),
    cell('2026-11-30', 'A', 'marketing', 4),
    cell('2026-11-30', 'B', 'utility', 10),
    cell('2026-12-01', 'A', 'utility', 50),
    cell('2026-12-02', 'A', 'unclassified', 3),
    cell('2026-12-02', 'C', 'service', 2, { pricingType: 'free_entry_point' }),
  ];
  const current = priced('2026-12-01', '2026-12-02', cells);
  const previous = priced('2026-11-29', '2026-11-30', cells);

  it('sets each day beside the day at the same place in the previous period, and totals both', () => {
    // each day of the period beside the day at the same place in the previous one: [cost, previousCost]
    const days = (first: [number, number], second: [number, number]) =>
      [first, second].map(([cost, previousCost], i) => ({
        day: ['2026-12-01', '2026-12-02'][i],
        cost,
        previousDay: ['2026-11-29', '2026-11-30'][i],
        previousCost,
      }));
    const trend = (phoneNumberId: string, [total, previousTotal]: number[], [billable, free, unpriced]: number[]) => ({
      phoneNumberId,
      total,
      previousTotal,
      billableUnits: billable,
      freeUnits: free,
      unpricedUnits: unpriced,
    });
    expect(numberTrends(current, previous, { A: '+1 555 000 0001' })).toEqual([
      { ...trend('A', [0.17, 0.44], [53, 0, 3]), displayNumber: '+1 555 000 0001', days: days([0.17, 0.34], [0, 0.1]) },
      { ...trend('B', [0, 0.034], [0, 0, 0]), days: days([0, 0], [0, 0.034]) },
      { ...trend('C', [0, 0], [0, 2, 0]), days: days([0, 0], [0, 0]) },
    ]);
  });

  it('puts the caveats beside the total: an estimate, the unpriced units and where, the card’s own note', () => {
    const caveats = reportCaveats(current, card);
    expect(caveats[0]).toBe(
      "Estimates: each day is priced with the rate card version in force on it (2026-10-01), from our own daily aggregates; Meta's invoice is what you pay.",
    );
    expect(caveats[1]).toBe(
      '3 units counted at 0: the rate card has no rate for unclassified US (3). The total is low by their cost.',
    );
    expect(caveats[2]).toBe(
      "Rate card 2026-10-01 (its figures dated 2026-07-01): All figures UNVERIFIED: vendor transcriptions, not Meta's published CSV; reconcile against pricing_analytics cost.",
    );
    expect(caveats).toHaveLength(3);
  });

  it('adds the previous period, the numbers and the caveats to the report, and says so when the previous period cannot be priced', () => {
    const report = withInsights(current, previous, { rateCard: card, previous: previousRange(current) });
    expect(report.previousPeriod).toEqual({ from: '2026-11-29', to: '2026-11-30', total: 0.474, unpricedUnits: 0 });
    expect(report.numbers?.map((n) => n.phoneNumberId)).toEqual(['A', 'B', 'C']);
    const alone = withInsights(current, undefined, { rateCard: card, previous: previousRange(current) });
    expect(alone.previousPeriod).toBeUndefined();
    expect(alone.numbers?.[0]?.previousTotal).toBe(0);
    expect(alone.caveats?.at(-1)).toBe(
      "The previous period (2026-11-29 to 2026-11-30) has traffic before the rate card's first version, so it is not priced and the trend compares with 0.",
    );
  });
});

describe('display numbers', () => {
  it('reads id=number pairs and skips what is not one', () => {
    expect(parseDisplayNumbers('100000000000001=+15550000000, 2 = +44 20 7946 0000,bad,=1,x=2')).toEqual({
      '100000000000001': '+15550000000',
      '2': '+44 20 7946 0000',
    });
    expect(parseDisplayNumbers(undefined)).toEqual({});
  });
});

describe('top templates', () => {
  const template = (day: string, name: string, category: string, units: number, pricingType = 'regular') => ({
    day,
    phoneNumberId: 'A',
    country: 'US',
    category,
    pricingModel: 'PMP',
    pricingType,
    template: name,
    units,
  });

  it('prices each template cell at its market rate under the version of its day, by cost, free and unpriced as the rows', () => {
    const cells = [
      template('2026-12-01', 'order_ready', 'utility', 100),
      template('2026-12-02', 'order_ready', 'utility', 50),
      template('2026-12-01', 'spring_sale', 'marketing', 10),
      template('2026-12-01', 'welcome', 'marketing', 4, 'free_entry_point'),
      template('2026-12-01', 'odd', 'unclassified', 3),
      template('2026-11-30', 'outside_range', 'marketing', 1_000),
    ];
    expect(topTemplates(cells, { from: '2026-12-01', to: '2026-12-02' }, card)).toEqual([
      { template: 'order_ready', category: 'utility', units: 150, billableUnits: 150, cost: 0.51, unpricedUnits: 0 },
      { template: 'spring_sale', category: 'marketing', units: 10, billableUnits: 10, cost: 0.25, unpricedUnits: 0 },
      { template: 'welcome', category: 'marketing', units: 4, billableUnits: 0, cost: 0, unpricedUnits: 0 },
      { template: 'odd', category: 'unclassified', units: 3, billableUnits: 3, cost: 0, unpricedUnits: 3 },
    ]);
  });

  it('lists at most the top ten, and counts conversation-priced days at no cost', () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      template('2026-12-01', `t${String(i).padStart(2, '0')}`, 'utility', i + 1),
    );
    const top = topTemplates(many, { from: '2026-12-01', to: '2026-12-01' }, card);
    expect(top.map((t) => t.template)).toEqual(['t11', 't10', 't09', 't08', 't07', 't06', 't05', 't04', 't03', 't02']);
    expect(
      topTemplates([template('2024-12-01', 'old', 'marketing', 5)], { from: '2024-12-01', to: '2024-12-01' }, card),
    ).toEqual([{ template: 'old', category: 'marketing', units: 5, billableUnits: 0, cost: 0, unpricedUnits: 0 }]);
  });
});
