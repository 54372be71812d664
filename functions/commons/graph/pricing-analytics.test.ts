import { scriptedGraphForEachTest } from '#test/scripted-graph';
import {
  createPricingAnalyticsClient,
  parseDataPoint,
  pricingAnalyticsField,
  type PricingAnalyticsClientOptions,
  type PricingAnalyticsFailure,
  type PricingAnalyticsResult,
} from './pricing-analytics';

const TOKEN = 'EAAG-secret-analytics-token-do-not-leak';
const WABA_ID = '102290129340398';
const START = Date.parse('2026-06-01T00:00:00Z') / 1000;
const DAY = 86_400;

const point = (extra: Record<string, unknown> = {}) => ({
  start: START,
  end: START + DAY,
  phone_number: '15550783881',
  country: 'US',
  pricing_type: 'REGULAR',
  pricing_category: 'MARKETING',
  volume: 4,
  cost: 0.1,
  ...extra,
});

const page = (points: unknown[], next?: string) => ({
  status: 200,
  body: {
    pricing_analytics: { data: [{ data_points: points }], ...(next ? { paging: { next } } : {}) },
    id: WABA_ID,
  },
});

const graph = scriptedGraphForEachTest();
let sleeps: number[];

const client = (overrides: Partial<PricingAnalyticsClientOptions> = {}) =>
  createPricingAnalyticsClient({
    baseUrl: `${graph.url}/`,
    apiVersion: 'v24.0',
    accessToken: async () => TOKEN,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });

const query = { wabaId: WABA_ID, from: '2026-06-01', to: '2026-06-02' };

const failureOf = (result: PricingAnalyticsResult): PricingAnalyticsFailure => {
  if (result.ok) throw new Error('expected a failure');
  return result;
};

beforeEach(() => {
  sleeps = [];
});

describe('pricing analytics client', () => {
  it('asks for the days with DAILY granularity and all four dimensions, with the bearer token only', async () => {
    graph.script(page([point()]));
    const result = await client().fetchPricingAnalytics({ ...query, phoneNumbers: ['+15550783881'] });

    expect(result).toEqual({
      ok: true,
      pages: 1,
      skippedPoints: 0,
      points: [
        {
          day: '2026-06-01',
          phoneNumber: '15550783881',
          country: 'US',
          pricingCategory: 'marketing',
          pricingType: 'regular',
          volume: 4,
          cost: 0.1,
        },
      ],
    });
    expect(graph.received).toHaveLength(1);
    const [request] = graph.received;
    expect(request?.method).toBe('GET');
    const url = new URL(request?.url ?? '', graph.url);
    expect(url.pathname).toBe(`/v24.0/${WABA_ID}`);
    expect([...url.searchParams.keys()]).toEqual(['fields']);
    // end is exclusive: the day after `to`, at 00:00 UTC
    expect(url.searchParams.get('fields')).toBe(
      `pricing_analytics.start(${START}).end(${START + 2 * DAY}).granularity(DAILY)` +
        '.phone_numbers(["15550783881"])' +
        '.dimensions(["COUNTRY","PRICING_CATEGORY","PRICING_TYPE","PHONE"])',
    );
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.url).not.toContain(TOKEN);
  });

  it('writes the field as Meta documents it, without phone_numbers when none are given', () => {
    expect(pricingAnalyticsField(100, 200)).toBe(
      'pricing_analytics.start(100).end(200).granularity(DAILY).dimensions(["COUNTRY","PRICING_CATEGORY","PRICING_TYPE","PHONE"])',
    );
    expect(pricingAnalyticsField(100, 200, [])).not.toContain('phone_numbers');
  });

  it("parses Meta's documented example: categories lower-case, tier kept, cost absent when Meta gives none", async () => {
    graph.script(
      page([
        // Meta's example: buckets in the WABA's time zone (07:00 UTC), no PHONE dimension
        {
          start: 1749106800,
          end: 1749193200,
          country: 'IN',
          tier: '0:750000',
          pricing_type: 'REGULAR',
          pricing_category: 'AUTHENTICATION_INTERNATIONAL',
          volume: 2,
          cost: 4.6,
        },
        {
          start: 1749193200,
          end: 1749279600,
          country: 'IN',
          pricing_type: 'FREE_CUSTOMER_SERVICE',
          pricing_category: 'SERVICE',
          volume: 2,
          cost: 0,
        },
        // a partner credit line: no cost; numbers as strings; the status reference's hyphen
        point({ cost: undefined, volume: '3', pricing_category: 'authentication-international' }),
        // unreadable: no volume, no start
        { start: START, country: 'US' },
        { volume: 1 },
      ]),
    );
    const result = await client().fetchPricingAnalytics(query);
    expect(result).toEqual({
      ok: true,
      pages: 1,
      skippedPoints: 2,
      points: [
        {
          day: '2025-06-05',
          country: 'IN',
          pricingCategory: 'authentication_international',
          pricingType: 'regular',
          volume: 2,
          cost: 4.6,
          tier: '0:750000',
        },
        {
          day: '2025-06-06',
          country: 'IN',
          pricingCategory: 'service',
          pricingType: 'free_customer_service',
          volume: 2,
          cost: 0,
        },
        {
          day: '2026-06-01',
          phoneNumber: '15550783881',
          country: 'US',
          pricingCategory: 'authentication_international',
          pricingType: 'regular',
          volume: 3,
        },
      ],
    });
  });

  it('dates a bucket by its middle, so a WABA east of UTC keeps its local day', () => {
    // India (UTC+5:30): the local day 2026-06-02 starts at 2026-06-01T18:30Z
    const start = Date.parse('2026-06-01T18:30:00Z') / 1000;
    expect(parseDataPoint({ start, end: start + DAY, volume: 1 })?.day).toBe('2026-06-02');
    expect(parseDataPoint({ start: START, volume: 1 })).toMatchObject({ day: '2026-06-01', country: 'ZZ' });
  });

  it('follows paging.next on the same origin, without a token in the url, and stops when it ends', async () => {
    graph.script(
      page([point()], `${graph.url}/v24.0/${WABA_ID}/pricing_analytics?after=QVFI&access_token=${TOKEN}`),
      {
        status: 200,
        body: {
          data: [{ data_points: [point({ country: 'BR', volume: 1 })] }],
          paging: { next: `${graph.url}/v24.0/${WABA_ID}/pricing_analytics?after=QVFJ` },
        },
      },
      { status: 200, body: { data: [{ data_points: [point({ country: 'IN', volume: 2 })] }] } },
    );
    const result = await client().fetchPricingAnalytics(query);
    expect(result).toMatchObject({ ok: true, pages: 3 });
    if (result.ok)
      expect(result.points.map((p) => [p.country, p.volume])).toEqual([
        ['US', 4],
        ['BR', 1],
        ['IN', 2],
      ]);
    expect(graph.received.map((r) => new URL(r.url, graph.url).searchParams.get('after'))).toEqual([
      null,
      'QVFI',
      'QVFJ',
    ]);
    for (const request of graph.received) {
      expect(request.url).not.toContain(TOKEN);
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
  });

  it('bounds paging and never follows paging.next to another host', async () => {
    const endless = (n: number) => page([point()], `${graph.url}/v24.0/${WABA_ID}/pricing_analytics?after=${n}`);
    graph.script(endless(1), endless(2));
    const bounded = failureOf(await client({ maxPages: 2 }).fetchPricingAnalytics(query));
    expect(bounded).toMatchObject({ kind: 'too-many-pages', pages: 2, retryable: false });
    expect(graph.received).toHaveLength(2);

    graph.script(page([point()], 'https://elsewhere.example/v24.0/x?after=1'));
    const away = failureOf(await client().fetchPricingAnalytics(query));
    expect(away).toMatchObject({ kind: 'invalid-response', pages: 1 });
    expect(graph.received).toHaveLength(3);
  });

  it('answers an empty list when the WABA delivered nothing', async () => {
    graph.script({ status: 200, body: { id: WABA_ID } }, page([]));
    expect(await client().fetchPricingAnalytics(query)).toEqual({ ok: true, points: [], pages: 1, skippedPoints: 0 });
    expect(await client().fetchPricingAnalytics(query)).toEqual({ ok: true, points: [], pages: 1, skippedPoints: 0 });
  });

  it('returns an expired token as a typed failure at once, without the token in it', async () => {
    graph.script({
      status: 401,
      body: {
        error: {
          message: `Error validating access token ${TOKEN}: Session has expired.`,
          type: 'OAuthException',
          code: 190,
          fbtrace_id: 'AbCdEf',
        },
      },
    });
    const failure = failureOf(await client().fetchPricingAnalytics(query));
    expect(failure).toEqual({
      ok: false,
      kind: 'http',
      httpStatus: 401,
      code: 190,
      type: 'OAuthException',
      message: 'Error validating access token [redacted]: Session has expired.',
      fbtraceId: 'AbCdEf',
      retryable: false,
      attempts: 1,
      pages: 0,
    });
    expect(JSON.stringify(failure)).not.toContain(TOKEN);
    expect(sleeps).toEqual([]);
  });

  it('retries 5xx and rate limits with doubling pauses, honours Retry-After, gives up after maxAttempts', async () => {
    graph.script(
      { status: 500, body: { error: { message: 'Unknown error', code: 1 } } },
      { status: 429, body: { error: { message: 'Too many calls', code: 80007 } }, headers: { 'retry-after': '2' } },
      page([point()]),
    );
    expect(await client().fetchPricingAnalytics(query)).toMatchObject({ ok: true, pages: 1 });
    expect(sleeps).toEqual([500, 2000]);

    sleeps = [];
    graph.script(
      { status: 503, body: {} },
      { status: 503, raw: 'upstream down' },
      { status: 503, body: { error: { message: 'down', code: 2 } } },
    );
    const failure = failureOf(await client().fetchPricingAnalytics(query));
    expect(failure).toMatchObject({ kind: 'http', httpStatus: 503, code: 2, retryable: true, attempts: 3 });
    expect(sleeps).toEqual([500, 1000]);

    sleeps = [];
    graph.script({ status: 429, body: {}, headers: { 'retry-after': '3600' } });
    expect(failureOf(await client().fetchPricingAnalytics(query))).toMatchObject({
      retryable: true,
      retryAfterMs: 3_600_000,
      attempts: 1,
    });
    expect(sleeps).toEqual([]);
  });

  it('does not retry other 4xx, nor a 2xx that is not pricing analytics', async () => {
    graph.script(
      { status: 400, body: { error: { message: '(#100) Invalid parameter', code: 100, type: 'OAuthException' } } },
      { status: 200, raw: '<html>proxy</html>' },
      { status: 200, body: { pricing_analytics: { data: 'nope' } } },
    );
    expect(failureOf(await client().fetchPricingAnalytics(query))).toMatchObject({
      kind: 'http',
      code: 100,
      retryable: false,
      attempts: 1,
    });
    expect(failureOf(await client().fetchPricingAnalytics(query))).toMatchObject({ kind: 'invalid-response' });
    expect(failureOf(await client().fetchPricingAnalytics(query))).toMatchObject({ kind: 'invalid-response' });
    expect(graph.received).toHaveLength(3);
  });

  it('turns timeouts and refused connections into retryable failures', async () => {
    graph.script('hang', 'drop');
    const timeout = failureOf(await client({ timeoutMs: 100, maxAttempts: 2 }).fetchPricingAnalytics(query));
    expect(timeout).toMatchObject({ kind: 'network', retryable: true, attempts: 2 });

    graph.script('hang');
    const slow = failureOf(await client({ timeoutMs: 100, maxAttempts: 1 }).fetchPricingAnalytics(query));
    expect(slow).toMatchObject({ kind: 'timeout', httpStatus: 0, retryable: true });

    const refused = failureOf(
      await createPricingAnalyticsClient({
        baseUrl: 'http://127.0.0.1:1',
        apiVersion: 'v24.0',
        accessToken: TOKEN,
        maxAttempts: 1,
      }).fetchPricingAnalytics(query),
    );
    expect(refused).toMatchObject({ kind: 'network', retryable: true, attempts: 1 });
  });

  it('refuses a malformed query and an unreadable token without calling Meta', async () => {
    const cases: Array<[Partial<typeof query> & { phoneNumbers?: string[] }, string]> = [
      [{ from: '2026-02-30' }, 'from'],
      [{ to: '2026-6-2' }, 'to'],
      [{ from: '2026-06-03' }, 'after'],
      [{ from: '2025-01-01', to: '2026-06-02' }, '366'],
      [{ wabaId: '../me' }, 'wabaId'],
      [{ phoneNumbers: ['106540352242922x'] }, 'display'],
    ];
    for (const [change, words] of cases) {
      const failure = failureOf(await client().fetchPricingAnalytics({ ...query, ...change }));
      expect(failure).toMatchObject({ kind: 'invalid-request', attempts: 0 });
      expect(failure.message).toContain(words);
    }
    const noToken = failureOf(
      await client({
        accessToken: async () => {
          throw new Error(`secret store said ${TOKEN}`);
        },
      }).fetchPricingAnalytics(query),
    );
    expect(noToken).toMatchObject({ kind: 'token', retryable: true });
    expect(JSON.stringify(noToken)).not.toContain(TOKEN);
    expect(graph.received).toHaveLength(0);
  });
});
