import type { MetaPricingPoint } from '#graph/pricing-analytics';
import { compareWithAnalytics, FREE_CATEGORY } from './compare-analytics';
import type { CostReport, CostRow } from './cost-report';

const NUMBER_ID = '106540352242922';
const DISPLAY = '15550783881';
const OTHER_DISPLAY = '15550009999';
const DAY = '2026-06-01';

const row = (extra: Partial<CostRow> = {}): CostRow => ({
  day: DAY,
  phoneNumberId: NUMBER_ID,
  country: 'US',
  market: 'North America',
  category: 'marketing',
  pricingModel: 'PMP',
  billableUnits: 4,
  freeUnits: 0,
  rate: 0.025,
  cost: 0.1,
  ...extra,
});

const report = (rows: CostRow[], extra: Partial<CostReport> = {}): CostReport => ({
  from: DAY,
  to: '2026-06-02',
  currency: 'USD',
  total: rows.reduce((sum, r) => sum + r.cost, 0),
  rows,
  rateCardVersions: ['2026-01-01'],
  unpricedUnits: 0,
  ...extra,
});

const point = (extra: Partial<MetaPricingPoint> = {}): MetaPricingPoint => ({
  day: DAY,
  phoneNumber: DISPLAY,
  country: 'US',
  pricingCategory: 'marketing',
  pricingType: 'regular',
  volume: 4,
  cost: 0.1,
  ...extra,
});

const numbers = { phoneNumbers: { [DISPLAY]: NUMBER_ID } };

describe('compareWithAnalytics', () => {
  it('lists nothing when Meta agrees, summed over pricing types, tiers and points', () => {
    const ours = report([
      row(),
      row({ category: 'utility', billableUnits: 2, freeUnits: 3, rate: 0.004, cost: 0.008, tier: '0:100000' }),
      row({ category: 'service', billableUnits: 0, freeUnits: 5, rate: 0, cost: 0 }),
      row({ day: '2026-06-02', country: 'BR', market: 'Brazil', billableUnits: 1, rate: 0.0625, cost: 0.0625 }),
    ]);
    const meta = [
      point({ volume: 3, cost: 0.075 }),
      point({ volume: 1, cost: 0.025 }),
      point({ pricingCategory: 'utility', volume: 2, cost: 0.008, tier: '0:100000' }),
      point({ pricingCategory: 'utility', pricingType: 'free_customer_service', volume: 3, cost: 0 }),
      point({ pricingCategory: 'service', pricingType: 'free_customer_service', volume: 5, cost: 0 }),
      point({ day: '2026-06-02', country: 'BR', volume: 1, cost: 0.0625 }),
    ];
    expect(compareWithAnalytics(ours, meta, numbers)).toEqual([]);
  });

  it('reports a volume off by one as Meta minus ours, with both sides', () => {
    const differences = compareWithAnalytics(report([row()]), [point({ volume: 5, cost: 0.125 })], numbers);
    expect(differences).toEqual([
      {
        day: DAY,
        country: 'US',
        category: 'marketing',
        volumeDifference: 1,
        costDifference: 0.025,
        metaVolume: 5,
        ourVolume: 4,
        metaCost: 0.125,
        ourCost: 0.1,
      },
    ]);
    // Meta saw none of it: the whole row, negative
    expect(compareWithAnalytics(report([row()]), [point({ country: 'GB', volume: 0, cost: 0 })], numbers)).toEqual([
      expect.objectContaining({ country: 'US', volumeDifference: -4, costDifference: -0.1, metaVolume: 0 }),
    ]);
  });

  it('reports a cost off by more than a cent, and not one within it', () => {
    expect(compareWithAnalytics(report([row()]), [point({ cost: 0.16 })], numbers)).toEqual([
      expect.objectContaining({ category: 'marketing', volumeDifference: 0, costDifference: 0.06, metaCost: 0.16 }),
    ]);
    expect(compareWithAnalytics(report([row()]), [point({ cost: 0.109 })], numbers)).toEqual([]);
    expect(compareWithAnalytics(report([row()]), [point({ cost: 0.0905 })], numbers)).toEqual([]);
  });

  it('compares no cost where Meta gives none (partner credit line) or in another currency', () => {
    const noCost = compareWithAnalytics(report([row()]), [point({ cost: undefined, volume: 5 })], numbers);
    expect(noCost).toEqual([
      {
        day: DAY,
        country: 'US',
        category: 'marketing',
        volumeDifference: 1,
        costDifference: 0,
        metaVolume: 5,
        ourVolume: 4,
        ourCost: 0.1,
      },
    ]);
    expect(compareWithAnalytics(report([row()]), [point({ cost: undefined })], numbers)).toEqual([]);
    expect(compareWithAnalytics(report([row()]), [point({ cost: 9 })], { ...numbers, currency: 'inr' })).toEqual([]);
    expect(compareWithAnalytics(report([row()]), [point({ cost: 9 })], { ...numbers, currency: 'usd' })).toEqual([
      expect.objectContaining({ costDifference: 8.9 }),
    ]);
  });

  it("maps Meta's categories: authentication_international apart, free messages as one line whatever their label", () => {
    const ours = report([
      row({ category: 'authentication', billableUnits: 2, rate: 0.0135, cost: 0.027 }),
      row({ category: 'authentication_international', billableUnits: 1, rate: 0.03, cost: 0.03 }),
      // in-window utility and free-entry-point marketing: free, under their template's category
      row({ category: 'utility', billableUnits: 0, freeUnits: 2, rate: 0, cost: 0 }),
      row({ category: 'marketing', billableUnits: 0, freeUnits: 1, rate: 0, cost: 0 }),
      row({ category: 'referral_conversion', billableUnits: 0, freeUnits: 1, rate: 0, cost: 0 }),
    ]);
    const meta = [
      point({ pricingCategory: 'authentication', volume: 2, cost: 0.027 }),
      point({ pricingCategory: 'authentication-international', volume: 1, cost: 0.03 }),
      point({ pricingCategory: 'service', pricingType: 'free_customer_service', volume: 1, cost: 0 }),
      point({ pricingCategory: 'utility', pricingType: 'free_customer_service', volume: 1, cost: 0 }),
      point({ pricingCategory: 'service', pricingType: 'free_entry_point', volume: 1, cost: 0 }),
      point({ pricingCategory: 'referral_conversion', pricingType: 'free_entry_point', volume: 1, cost: 0 }),
    ];
    expect(compareWithAnalytics(ours, meta, numbers)).toEqual([]);

    // Meta bills as international what we priced as plain authentication
    const moved = compareWithAnalytics(
      ours,
      meta.map((p) =>
        p.pricingCategory === 'authentication'
          ? { ...p, pricingCategory: 'authentication_international', cost: 0.06 }
          : p,
      ),
      numbers,
    );
    expect(moved.map((d) => [d.category, d.volumeDifference, d.costDifference])).toEqual([
      ['authentication', -2, -0.027],
      ['authentication_international', 2, 0.06],
    ]);

    // a utility template Meta charged that we counted free
    const charged = compareWithAnalytics(
      ours,
      [
        ...meta.filter((p) => p.pricingCategory !== 'utility'),
        point({ pricingCategory: 'utility', volume: 1, cost: 0.004 }),
      ],
      numbers,
    );
    expect(charged.map((d) => [d.category, d.volumeDifference, d.costDifference])).toEqual([
      [FREE_CATEGORY, -1, 0],
      ['utility', 1, 0.004],
    ]);
  });

  it('charged service (from 2026-10-01) compares under service, not free', () => {
    const ours = report([row({ category: 'service', billableUnits: 3, rate: 0.004, cost: 0.012 })]);
    const meta = [point({ pricingCategory: 'SERVICE', pricingType: 'REGULAR', volume: 3, cost: 0.012 })];
    expect(compareWithAnalytics(ours, meta, numbers)).toEqual([]);
  });

  it('ignores points of other business numbers, days outside the report and conversation-model days', () => {
    const ours = report([
      row(),
      row({ day: '2026-06-02', pricingModel: 'CBP', category: 'marketing', billableUnits: 1, cost: 0.02 }),
    ]);
    const meta = [
      point(),
      point({ phoneNumber: OTHER_DISPLAY, volume: 50, cost: 1.25 }),
      point({ day: '2026-05-31', volume: 7 }),
      point({ day: '2026-06-03', volume: 7 }),
      point({ day: '2026-06-02', volume: 7 }),
    ];
    expect(compareWithAnalytics(ours, meta, numbers)).toEqual([]);

    // without the display-number map, only points naming the phone number id itself (or none) are ours
    expect(
      compareWithAnalytics(ours, [point({ phoneNumber: NUMBER_ID }), point({ phoneNumber: OTHER_DISPLAY })]),
    ).toEqual([]);
    expect(compareWithAnalytics(ours, [point({ phoneNumber: undefined, volume: 6, cost: 0.15 })])).toEqual([
      expect.objectContaining({ volumeDifference: 2 }),
    ]);
  });

  it('counts a mapped number without rows of its own: Meta delivered on a day we recorded nothing', () => {
    const differences = compareWithAnalytics(
      report([]),
      [point({ day: '2026-06-02', country: 'IN', volume: 2, cost: 0.2 })],
      numbers,
    );
    expect(differences).toEqual([
      {
        day: '2026-06-02',
        country: 'IN',
        category: 'marketing',
        volumeDifference: 2,
        costDifference: 0.2,
        metaVolume: 2,
        ourVolume: 0,
        metaCost: 0.2,
        ourCost: 0,
      },
    ]);
  });

  it('sorts by day, country and category, and flags our unpriced categories', () => {
    const ours = report([
      row({ day: '2026-06-02', country: 'BR' }),
      row({ country: 'IN' }),
      row({ category: 'unclassified', billableUnits: 1, rate: 0, cost: 0, unpriced: true }),
      row({ country: 'BR' }),
    ]);
    expect(compareWithAnalytics(ours, [], numbers).map((d) => [d.day, d.country, d.category])).toEqual([
      [DAY, 'BR', 'marketing'],
      [DAY, 'IN', 'marketing'],
      [DAY, 'US', 'unclassified'],
      ['2026-06-02', 'BR', 'marketing'],
    ]);
  });
});
