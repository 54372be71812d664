import { createPricingAnalyticsClient } from '#graph/pricing-analytics';
import { compareWithAnalytics } from '#pricing/compare-analytics';
import type { CostReport, CostRow } from '#pricing/cost-report';
import {
  ACCESS_TOKEN,
  type Json,
  PHONE_NUMBER_ID,
  T0,
  templateTo,
  textTo,
  USER,
  useSandbox,
} from '#test/sandbox-harness';

const h = useSandbox();
const { start, request, send, userWrites } = h;

describe('sandbox pricing analytics', () => {
  const WABA_ID = '100000000000000';
  const DISPLAY = '15550000000';
  const GB_USER = '447700900123';
  const DAY0 = Date.parse('2026-06-01T00:00:00Z') / 1000;
  const DAY1 = DAY0 + 86_400;
  const ALL_DIMENSIONS = '.dimensions(["COUNTRY","PRICING_CATEGORY","PRICING_TYPE","PHONE"])';
  const field = (modifiers = ALL_DIMENSIONS, start = DAY0, end = DAY1 + 86_400) =>
    `pricing_analytics.start(${start}).end(${end}).granularity(DAILY)${modifiers}`;
  const analytics = (fields: string, token: string | null = ACCESS_TOKEN, waba = WABA_ID) =>
    request('GET', `/v24.0/${waba}?fields=${encodeURIComponent(fields)}`, undefined, token);

  /** Day 0: a marketing template and a free-form reply to a US user who wrote, an authentication
   * template to a UK user, a free-form message to the UK user that fails (no window); day 1: one
   * more marketing template to the US user. */
  const deliverScenario = async () => {
    await userWrites();
    expect((await send(templateTo(USER, 'spring_sale'))).status).toBe(200);
    expect((await send(textTo(USER))).status).toBe(200);
    expect((await send(templateTo(GB_USER, 'login_code'))).status).toBe(200);
    expect((await send(textTo(GB_USER))).status).toBe(200);
    await h.sandbox.idle();
    h.nowMs = T0 + 86_400_000;
    expect((await send(templateTo(USER, 'spring_sale'))).status).toBe(200);
    await h.sandbox.idle();
    expect(h.sandbox.sent().map((record) => record.outcome)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'failed',
      'accepted',
    ]);
  };

  const dataPoint = (start: number, country: string, type: string, category: string, volume: number) => ({
    start,
    end: start + 86_400,
    phone_number: DISPLAY,
    country,
    pricing_type: type,
    pricing_category: category,
    volume,
  });

  it('answers what it delivered, per day, number, country, category and type, without cost by default', async () => {
    await start();
    await deliverScenario();

    const answer = await analytics(field());
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      pricing_analytics: {
        data: [
          {
            data_points: [
              dataPoint(DAY0, 'GB', 'REGULAR', 'AUTHENTICATION', 1),
              dataPoint(DAY0, 'US', 'FREE_CUSTOMER_SERVICE', 'SERVICE', 1),
              dataPoint(DAY0, 'US', 'REGULAR', 'MARKETING', 1),
              dataPoint(DAY1, 'US', 'REGULAR', 'MARKETING', 1),
            ],
          },
        ],
      },
      id: WABA_ID,
    });

    // the range is [start, end): day 1 alone
    const dayOne = await analytics(field(ALL_DIMENSIONS, DAY1, DAY1 + 86_400));
    const points = (dayOne.json.pricing_analytics as { data: Array<{ data_points: Json[] }> }).data[0]?.data_points;
    expect(points).toEqual([dataPoint(DAY1, 'US', 'REGULAR', 'MARKETING', 1)]);
  });

  it('prices billable points with pricingRate, free ones at 0', async () => {
    const rates: Record<string, number> = { marketing: 0.025, authentication: 0.0135 };
    await start({ pricingRate: (_country, category, type) => (type === 'regular' ? (rates[category] ?? 0) : 99) });
    await deliverScenario();
    const answer = await analytics(field());
    const points = (answer.json.pricing_analytics as { data: Array<{ data_points: Json[] }> }).data[0]?.data_points;
    expect(points?.map((point) => [point.country, point.pricing_category, point.volume, point.cost])).toEqual([
      ['GB', 'AUTHENTICATION', 1, 0.0135],
      ['US', 'SERVICE', 1, 0],
      ['US', 'MARKETING', 1, 0.025],
      ['US', 'MARKETING', 1, 0.025],
    ]);
  });

  it('applies dimensions and filters as Meta does', async () => {
    await start();
    await deliverScenario();
    const pointsOf = async (modifiers: string) => {
      const answer = await analytics(field(modifiers));
      expect(answer.status).toBe(200);
      return (answer.json.pricing_analytics as { data: Array<{ data_points: Json[] }> }).data[0]?.data_points;
    };
    // no breakdowns: one point per day
    expect(await pointsOf('')).toEqual([
      { start: DAY0, end: DAY1, volume: 3 },
      { start: DAY1, end: DAY1 + 86_400, volume: 1 },
    ]);
    expect(await pointsOf('.pricing_types([REGULAR]).country_codes(["US"]).dimensions(COUNTRY)')).toEqual([
      { start: DAY0, end: DAY1, country: 'US', volume: 1 },
      { start: DAY1, end: DAY1 + 86_400, country: 'US', volume: 1 },
    ]);
    expect(
      await pointsOf(`.phone_numbers(["${DISPLAY}"]).pricing_categories(["AUTHENTICATION"])${ALL_DIMENSIONS}`),
    ).toEqual([dataPoint(DAY0, 'GB', 'REGULAR', 'AUTHENTICATION', 1)]);
    // phone_numbers takes display numbers, not phone number ids
    expect(await pointsOf(`.phone_numbers(["${PHONE_NUMBER_ID}"])${ALL_DIMENSIONS}`)).toEqual([]);
    expect((await analytics('id')).json).toEqual({ id: WABA_ID });
  });

  it('refuses a wrong token with 190, another WABA, and a request it cannot answer', async () => {
    await start();
    await deliverScenario();
    for (const token of ['wrong-token', null]) {
      const answer = await analytics(field(), token);
      expect(answer).toMatchObject({ status: 401, json: { error: { code: 190, type: 'OAuthException' } } });
      expect(JSON.stringify(answer.json)).not.toContain(ACCESS_TOKEN);
    }
    expect(await analytics(field(), ACCESS_TOKEN, '999')).toMatchObject({
      status: 400,
      json: { error: { code: 100, error_subcode: 33, type: 'GraphMethodException' } },
    });
    for (const fields of [
      'pricing_analytics.start(1).end(2).granularity(MONTHLY)',
      'pricing_analytics.start(1).granularity(DAILY)',
      'pricing_analytics.start(5).end(2).granularity(DAILY)',
      `${field()}.tiers(ALL)`,
      field('.dimensions(["PLANET"])'),
      'conversation_analytics.start(1).end(2).granularity(DAILY)',
    ]) {
      const answer = await analytics(fields);
      expect(answer).toMatchObject({ status: 400, json: { error: { code: 100 } } });
    }
    expect((await request('POST', `/v24.0/${WABA_ID}`, {})).status).toBe(400);
  });

  it('is read by the pricing analytics client, and the comparison with a matching report is empty', async () => {
    await start({ pricingRate: (_country, category) => (category === 'marketing' ? 0.025 : 0.0135) });
    await deliverScenario();
    const client = createPricingAnalyticsClient({
      baseUrl: h.sandbox.url,
      apiVersion: 'v24.0',
      accessToken: async () => ACCESS_TOKEN,
    });
    const result = await client.fetchPricingAnalytics({ wabaId: WABA_ID, from: '2026-06-01', to: '2026-06-02' });
    expect(result).toMatchObject({ ok: true, pages: 1, skippedPoints: 0 });
    if (!result.ok) return;
    const point = { phoneNumber: DISPLAY, pricingType: 'regular' };
    expect(result.points).toEqual([
      { ...point, day: '2026-06-01', country: 'GB', pricingCategory: 'authentication', volume: 1, cost: 0.0135 },
      {
        ...point,
        day: '2026-06-01',
        country: 'US',
        pricingCategory: 'service',
        pricingType: 'free_customer_service',
        volume: 1,
        cost: 0,
      },
      { ...point, day: '2026-06-01', country: 'US', pricingCategory: 'marketing', volume: 1, cost: 0.025 },
      { ...point, day: '2026-06-02', country: 'US', pricingCategory: 'marketing', volume: 1, cost: 0.025 },
    ]);

    const row = (day: string, country: string, category: string, billable: number, free: number, cost: number) =>
      ({
        day,
        phoneNumberId: PHONE_NUMBER_ID,
        country,
        market: country === 'US' ? 'North America' : 'United Kingdom',
        category,
        pricingModel: 'PMP',
        billableUnits: billable,
        freeUnits: free,
        rate: billable === 0 ? 0 : cost / billable,
        cost,
      }) satisfies CostRow;
    const report: CostReport = {
      from: '2026-06-01',
      to: '2026-06-02',
      currency: 'USD',
      total: 0.0635,
      rows: [
        row('2026-06-01', 'GB', 'authentication', 1, 0, 0.0135),
        row('2026-06-01', 'US', 'marketing', 1, 0, 0.025),
        row('2026-06-01', 'US', 'service', 0, 1, 0),
        row('2026-06-02', 'US', 'marketing', 1, 0, 0.025),
      ],
      rateCardVersions: ['2026-01-01'],
      unpricedUnits: 0,
    };
    const phoneNumbers = { [DISPLAY]: PHONE_NUMBER_ID };
    expect(compareWithAnalytics(report, result.points, { phoneNumbers })).toEqual([]);

    // a status our pipeline missed shows up as Meta counting one more
    const missed = { ...report, rows: report.rows.filter((r) => r.day !== '2026-06-02') };
    expect(compareWithAnalytics(missed, result.points, { phoneNumbers })).toEqual([
      {
        day: '2026-06-02',
        country: 'US',
        category: 'marketing',
        volumeDifference: 1,
        costDifference: 0.025,
        metaVolume: 1,
        ourVolume: 0,
        metaCost: 0.025,
        ourCost: 0,
      },
    ]);
  });
});
