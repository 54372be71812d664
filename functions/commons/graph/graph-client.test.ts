import { scriptedGraphForEachTest, startScriptedGraph } from '#test/scripted-graph';
import {
  createGraphClient,
  mapGraphError,
  parseRetryAfter,
  type GraphClientOptions,
  type GraphSendFailure,
  type GraphSendResult,
} from './graph-client';

const TOKEN = 'EAAG-secret-access-token-do-not-leak';
const PHONE_NUMBER_ID = '106540352242922';
const WAMID = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3QjE2QjM2NzA2RDk2NzA3RkQA';

const accepted = (extra: Record<string, unknown> = {}) => ({
  status: 200,
  body: {
    messaging_product: 'whatsapp',
    contacts: [{ input: '+16505551234', wa_id: '16505551234', ...extra }],
    messages: [{ id: WAMID }],
  },
});

const metaError = (
  status: number,
  code: number,
  message: string,
  details?: string,
  headers?: Record<string, string>,
) => ({
  status,
  headers,
  body: {
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(details === undefined ? {} : { error_data: { messaging_product: 'whatsapp', details } }),
      fbtrace_id: 'AbCdEfGh123',
    },
  },
});

const textBody = { to: '+16505551234', type: 'text', text: { body: 'Your order has shipped' } };

const graph = scriptedGraphForEachTest();
let sleeps: number[];

const client = (overrides: Partial<GraphClientOptions> = {}) =>
  createGraphClient({
    baseUrl: graph.url,
    apiVersion: 'v24.0',
    accessToken: async () => TOKEN,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 1,
    ...overrides,
  });

const failure = (result: GraphSendResult): GraphSendFailure => {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result;
};

/** Sends the text through a default client while Graph answers each failure in turn, then accepts. */
const sendThrough = (...failures: ReturnType<typeof metaError>[]) => {
  graph.script(...failures, accepted());
  return client().sendMessage(PHONE_NUMBER_ID, textBody);
};

beforeEach(() => {
  sleeps = [];
});

describe('createGraphClient().sendMessage', () => {
  it('posts the body with messaging_product and the bearer token, and parses the answer', async () => {
    graph.script({
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: '+16505551234', wa_id: '16505551234', user_id: 'US.13491208655302741918' }],
        messages: [{ id: WAMID, message_status: 'accepted' }],
      },
    });

    const result = await client({ baseUrl: `${graph.url}/` }).sendMessage(PHONE_NUMBER_ID, textBody);

    expect(result).toEqual({
      ok: true,
      wamid: WAMID,
      messageStatus: 'accepted',
      waId: '16505551234',
      userId: 'US.13491208655302741918',
      attempts: 1,
    });
    expect(graph.received).toHaveLength(1);
    const [request] = graph.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(`/v24.0/${PHONE_NUMBER_ID}/messages`);
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ messaging_product: 'whatsapp', ...textBody });
    expect(sleeps).toEqual([]);
  });

  it('keeps a messaging_product the caller set and reads the token on every send', async () => {
    let reads = 0;
    graph.script(accepted(), accepted());
    const c = client({
      accessToken: async () => {
        reads += 1;
        return `${TOKEN}-${reads}`;
      },
    });
    await c.sendMessage(PHONE_NUMBER_ID, { messaging_product: 'whatsapp', ...textBody });
    await c.sendMessage(PHONE_NUMBER_ID, textBody);
    expect(graph.received.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}-1`, `Bearer ${TOKEN}-2`]);
    expect(JSON.parse(graph.received[0]?.body ?? '')).toEqual({ messaging_product: 'whatsapp', ...textBody });
  });

  it('retries 5xx twice and then succeeds: one message, three attempts', async () => {
    const result = await sendThrough(
      metaError(500, 131000, '(#131000) Something went wrong'),
      metaError(503, 2, 'Service temporarily unavailable'),
    );

    expect(result).toEqual({ ok: true, wamid: WAMID, waId: '16505551234', attempts: 3 });
    expect(graph.received).toHaveLength(3);
    expect(new Set(graph.received.map((r) => r.body)).size).toBe(1);
    expect(sleeps).toEqual([250, 500]);
  });

  it('retries HTTP 429 and 130429 with growing backoff caps, full jitter below them', async () => {
    graph.script(
      metaError(429, 130429, '(#130429) Rate limit hit'),
      metaError(400, 130429, '(#130429) Rate limit hit'),
      metaError(429, 130429, '(#130429) Rate limit hit'),
      accepted(),
    );
    const result = await client({ maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 }).sendMessage(
      PHONE_NUMBER_ID,
      textBody,
    );
    expect(result).toMatchObject({ ok: true, attempts: 4 });
    // random() = 1 shows the caps: doubling, then held at maxDelayMs
    expect(sleeps).toEqual([100, 200, 300]);

    sleeps = [];
    graph.script(metaError(429, 130429, '(#130429) Rate limit hit'), metaError(429, 130429, 'x'), accepted());
    await client({ random: () => 0.5 }).sendMessage(PHONE_NUMBER_ID, textBody);
    expect(sleeps).toEqual([125, 250]);
  });

  it('gives up after maxAttempts with the last failure, still marked retryable', async () => {
    graph.script(
      metaError(429, 130429, '(#130429) Rate limit hit', 'Cloud API message throughput has been reached.'),
      metaError(429, 130429, '(#130429) Rate limit hit', 'Cloud API message throughput has been reached.'),
      metaError(429, 130429, '(#130429) Rate limit hit', 'Cloud API message throughput has been reached.'),
    );
    const result = failure(await client().sendMessage(PHONE_NUMBER_ID, textBody));
    expect(result).toEqual({
      ok: false,
      kind: 'http',
      httpStatus: 429,
      code: 130429,
      type: 'OAuthException',
      message: '(#130429) Rate limit hit',
      details: 'Cloud API message throughput has been reached.',
      fbtraceId: 'AbCdEfGh123',
      retryable: true,
      attempts: 3,
    });
    expect(graph.received).toHaveLength(3);
    expect(sleeps).toEqual([250, 500]);
  });

  it('retries 131056 (pair rate limit) and the temporary codes even on HTTP 400', async () => {
    const result = await sendThrough(
      metaError(400, 131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit'),
      metaError(400, 131057, '(#131057) Account in maintenance mode'),
    );
    expect(result).toMatchObject({ ok: true, attempts: 3 });

    for (const code of [131000, 1, 2, 131016, 133004]) {
      expect(await sendThrough(metaError(400, code, `(#${code}) temporary`))).toMatchObject({ ok: true, attempts: 2 });
    }
  });

  it.each([
    [400, 100, '(#100) Invalid parameter'],
    [400, 131047, '(#131047) Re-engagement message'],
    [400, 132000, '(#132000) Number of parameters does not match the expected number of params'],
    [404, 132001, '(#132001) Template name does not exist in the translation'],
    [400, 131026, '(#131026) Message Undeliverable'],
    [403, 10, '(#10) Application does not have permission for this action'],
  ])('does not retry HTTP %i with code %i', async (status, code, message) => {
    graph.script(metaError(status, code, message), accepted());
    const result = failure(await client().sendMessage(PHONE_NUMBER_ID, textBody));
    expect(result).toMatchObject({ ok: false, kind: 'http', httpStatus: status, code, retryable: false, attempts: 1 });
    expect(graph.received).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('does not retry 190 (token invalid), maps it to 502 and never returns the token', async () => {
    graph.script(
      metaError(401, 190, `Error validating access token: Session has expired (token ${TOKEN})`),
      accepted(),
    );
    const result = failure(await client().sendMessage(PHONE_NUMBER_ID, textBody));
    expect(result).toMatchObject({ httpStatus: 401, code: 190, retryable: false, attempts: 1 });
    expect(graph.received).toHaveLength(1);
    const mapped = mapGraphError(result);
    expect(mapped).toMatchObject({ status: 502, code: 'META_ACCESS_TOKEN_INVALID' });
    expect(mapped.message).toMatch(/access token is invalid or expired/);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(JSON.stringify(mapped)).not.toContain(TOKEN);
  });

  it('does not retry a 5xx that carries an authentication code', async () => {
    graph.script(metaError(500, 0, 'AuthException'), accepted());
    const result = failure(await client().sendMessage(PHONE_NUMBER_ID, textBody));
    expect(result).toMatchObject({ code: 0, retryable: false, attempts: 1 });
  });

  it('times out a silent attempt and retries it', async () => {
    graph.script('hang', accepted());
    const started = Date.now();
    const result = await client({ timeoutMs: 150 }).sendMessage(PHONE_NUMBER_ID, textBody);
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sleeps).toEqual([250]);
  });

  it('reports a timeout after the last attempt as META_UNAVAILABLE', async () => {
    graph.script('hang', 'hang');
    const result = failure(await client({ timeoutMs: 100, maxAttempts: 2 }).sendMessage(PHONE_NUMBER_ID, textBody));
    expect(result).toMatchObject({ ok: false, kind: 'timeout', httpStatus: 0, retryable: true, attempts: 2 });
    expect(result.message).toMatch(/did not answer within 100 ms/);
    expect(mapGraphError(result)).toMatchObject({ status: 503, code: 'META_UNAVAILABLE' });
  });

  it('retries a dropped connection and a refused one', async () => {
    graph.script('drop', accepted());
    expect(await client().sendMessage(PHONE_NUMBER_ID, textBody)).toMatchObject({ ok: true, attempts: 2 });

    const closed = await startScriptedGraph();
    const url = closed.url;
    await closed.close();
    const result = failure(await client({ baseUrl: url, maxAttempts: 2 }).sendMessage(PHONE_NUMBER_ID, textBody));
    expect(result).toMatchObject({ kind: 'network', httpStatus: 0, retryable: true, attempts: 2 });
    expect(result.message).toMatch(/could not be reached/);
  });

  it('honours Retry-After instead of the backoff', async () => {
    graph.script(
      metaError(429, 130429, '(#130429) Rate limit hit', undefined, { 'retry-after': '2' }),
      metaError(503, 2, 'Service temporarily unavailable', undefined, { 'retry-after': '1' }),
      accepted(),
    );
    const result = await client().sendMessage(PHONE_NUMBER_ID, textBody);
    expect(result).toMatchObject({ ok: true, attempts: 3 });
    expect(sleeps).toEqual([2000, 1000]);
  });

  it('stops at once when Retry-After is longer than it may wait, and passes the wait on', async () => {
    graph.script(metaError(429, 130429, '(#130429) Rate limit hit', undefined, { 'retry-after': '30' }), accepted());
    const result = failure(await client({ maxRetryAfterMs: 5_000 }).sendMessage(PHONE_NUMBER_ID, textBody));
    expect(result).toMatchObject({ code: 130429, retryable: true, retryAfterMs: 30_000, attempts: 1 });
    expect(sleeps).toEqual([]);
    expect(mapGraphError(result)).toMatchObject({ status: 503, code: 'META_RATE_LIMITED', retryAfterSeconds: 30 });
  });

  it('treats a 2xx without a message id as a failure it does not retry', async () => {
    graph.script({ status: 200, body: { messaging_product: 'whatsapp' } }, accepted());
    const result = failure(await client().sendMessage(PHONE_NUMBER_ID, textBody));
    expect(result).toMatchObject({ kind: 'invalid-response', httpStatus: 200, retryable: false, attempts: 1 });
  });

  it('reads a non-JSON error body as an HTTP failure', async () => {
    graph.script({ status: 502, body: undefined }, { status: 502, body: undefined }, { status: 502 });
    const result = failure(await client().sendMessage(PHONE_NUMBER_ID, textBody));
    expect(result).toMatchObject({ kind: 'http', httpStatus: 502, retryable: true, attempts: 3 });
    expect(result.code).toBeUndefined();
    expect(result.message).toBe('The Graph API answered HTTP 502');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', Date.parse('2026-10-21T07:28:00Z'))).toBe(5000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', Date.parse('2026-10-21T08:00:00Z'))).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('mapGraphError', () => {
  const failed = (over: Partial<GraphSendFailure>): GraphSendFailure => ({
    ok: false,
    kind: 'http',
    httpStatus: 400,
    message: 'Meta error',
    retryable: false,
    attempts: 1,
    ...over,
  });

  it.each<[string, number, string, Partial<GraphSendFailure>]>([
    ['131047 re-engagement', 422, 'OUTSIDE_CUSTOMER_SERVICE_WINDOW', { code: 131047 }],
    ['132000 parameter count', 422, 'TEMPLATE_PARAMETER_MISMATCH', { code: 132000 }],
    ['132001 template missing', 422, 'TEMPLATE_NOT_FOUND', { code: 132001, httpStatus: 404 }],
    ['132015 template paused', 422, 'TEMPLATE_NOT_APPROVED', { code: 132015 }],
    ['132016 template disabled', 422, 'TEMPLATE_NOT_APPROVED', { code: 132016 }],
    ['190 token expired', 502, 'META_ACCESS_TOKEN_INVALID', { code: 190, httpStatus: 401 }],
    ['0 auth exception', 502, 'META_ACCESS_TOKEN_INVALID', { code: 0, httpStatus: 401 }],
    ['401 without a code', 502, 'META_ACCESS_TOKEN_INVALID', { httpStatus: 401 }],
    ['130429 throughput', 503, 'META_RATE_LIMITED', { code: 130429, httpStatus: 429, retryable: true, attempts: 3 }],
    ['131056 pair rate', 503, 'META_RATE_LIMITED', { code: 131056, retryable: true, attempts: 3 }],
    ['HTTP 429 without a code', 503, 'META_RATE_LIMITED', { httpStatus: 429, retryable: true, attempts: 3 }],
    ['4 app rate limit', 503, 'META_RATE_LIMITED', { code: 4, httpStatus: 403 }],
    ['5xx', 503, 'META_UNAVAILABLE', { code: 131000, httpStatus: 500, retryable: true, attempts: 3 }],
    ['131057 maintenance', 503, 'META_UNAVAILABLE', { code: 131057, retryable: true, attempts: 3 }],
    ['timeout', 503, 'META_UNAVAILABLE', { kind: 'timeout', httpStatus: 0, retryable: true, attempts: 3 }],
    ['network', 503, 'META_UNAVAILABLE', { kind: 'network', httpStatus: 0, retryable: true, attempts: 3 }],
    ['100 invalid parameter', 502, 'META_ERROR', { code: 100 }],
    ['131026 undeliverable', 502, 'META_ERROR', { code: 131026 }],
    ['unknown code', 502, 'META_ERROR', { code: 123456 }],
    ['2xx without id', 502, 'META_ERROR', { kind: 'invalid-response', httpStatus: 200 }],
  ])('%s → %i %s', (_name, status, code, over) => {
    const mapped = mapGraphError(failed(over));
    expect(mapped).toMatchObject({ status, code });
    expect(mapped.message.length).toBeGreaterThan(40);
  });

  it("names Meta's code and details in the message and says what to do next", () => {
    const mapped = mapGraphError(
      failed({ code: 100, details: 'Parameter to is invalid', fbtraceId: 'AbC', message: '(#100) Invalid parameter' }),
    );
    expect(mapped.message).toContain('Meta error 100');
    expect(mapped.message).toContain('Parameter to is invalid');
    expect(mapped.message).toContain('fbtrace_id AbC');
    expect(mapped.message).toMatch(/fix the field/);

    const unknown = mapGraphError(failed({ code: 123456 }));
    expect(unknown.message).toContain('Meta error 123456');
    expect(unknown.message).toMatch(/retrying the same request will not help/);

    expect(mapGraphError(failed({ code: 131047 })).message).toMatch(/template/);
    expect(mapGraphError(failed({ code: 190, httpStatus: 401 })).message).toMatch(/renew/);
  });

  it('suggests a wait on rate limits and outages', () => {
    expect(mapGraphError(failed({ code: 131056, attempts: 3 })).retryAfterSeconds).toBe(6);
    expect(mapGraphError(failed({ code: 130429, httpStatus: 429, attempts: 3 })).retryAfterSeconds).toBe(1);
    expect(mapGraphError(failed({ code: 130429, retryAfterMs: 2500 })).retryAfterSeconds).toBe(3);
    expect(mapGraphError(failed({ kind: 'timeout', httpStatus: 0 })).retryAfterSeconds).toBe(5);
    expect(mapGraphError(failed({ code: 131047 })).retryAfterSeconds).toBeUndefined();
    expect(mapGraphError(failed({ code: 131056, attempts: 3 })).message).toMatch(/after 3 attempts/);
  });
});
