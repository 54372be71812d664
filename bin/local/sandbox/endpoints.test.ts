import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGraphClient, mapGraphError } from '#graph/graph-client';
import { createPricingAnalyticsClient } from '#graph/pricing-analytics';
import { compareWithAnalytics } from '#pricing/compare-analytics';
import type { CostReport, CostRow } from '#pricing/cost-report';
import { verifySignature } from '#webhook/signature';
import { startSandbox, type Sandbox, type SandboxOptions, type SandboxSentMessage } from './index';

type Json = Record<string, unknown>;

const APP_SECRET = 'sandbox-app-secret';
const ACCESS_TOKEN = 'sandbox-access-token-0123456789';
const PHONE_NUMBER_ID = '106540352242922';
const USER = '16505551234';
const USER_BSUID = 'US.13491208655302741918';
const T0 = Date.parse('2026-06-01T10:00:00Z');
const SECRET_TEXT = 'my secret order 4711';

interface Received {
  raw: Buffer;
  signatureValid: boolean;
  body: Json;
}

/** The engine's /webhook stand-in: records every POST, checks its signature, can be told to fail. */
const startReceiver = async () => {
  const received: Received[] = [];
  const failures: number[] = [];
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      attempts += 1;
      const status = failures.shift();
      if (status !== undefined) {
        res.writeHead(status).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const header = req.headers['x-hub-signature-256'];
      received.push({
        raw,
        signatureValid: verifySignature(raw, typeof header === 'string' ? header : undefined, APP_SECRET),
        body: JSON.parse(raw.toString('utf8')) as Json,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    attempts: () => attempts,
    failNext: (count: number, status = 500) => failures.push(...Array.from({ length: count }, () => status)),
    failAlways: () => failures.push(...Array.from({ length: 1000 }, () => 503)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

let receiver: Receiver;
let sandbox: Sandbox;
let nowMs: number;
let logs: Array<Record<string, unknown>>;
const templates: Record<string, string> = {
  'order_confirmation|en_US': 'UTILITY',
  'spring_sale|en_US': 'marketing',
  'login_code|en_US': 'authentication',
};
const categoryCalls: Array<[string, string]> = [];

const start = async (overrides: Partial<SandboxOptions> = {}) => {
  sandbox = await startSandbox({
    port: 0,
    appSecret: APP_SECRET,
    accessToken: ACCESS_TOKEN,
    webhookUrl: receiver.url,
    delaysMs: { sent: 0, delivered: 0, read: 0 },
    now: () => nowMs,
    log: (entry) => logs.push(entry),
    templateCategory: async (name, language) => {
      categoryCalls.push([name, language]);
      return templates[`${name}|${language}`];
    },
    webhookDelivery: { attempts: 3, retryDelayMs: 1 },
    ...overrides,
  });
  return sandbox;
};

const request = async (method: string, path: string, body?: unknown, token: string | null = ACCESS_TOKEN) => {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: (text ? JSON.parse(text) : {}) as Json };
};

const send = (body: Json, token: string | null = ACCESS_TOKEN) =>
  request('POST', `/v24.0/${PHONE_NUMBER_ID}/messages`, { messaging_product: 'whatsapp', ...body }, token);

const textTo = (to: string, text = SECRET_TEXT) => ({ to, type: 'text', text: { body: text } });

const templateTo = (to: string, name: string, language = 'en_US') => ({
  to,
  type: 'template',
  template: { name, language: { code: language } },
});

const userWrites = (waId = USER, extra: Json = {}) =>
  request('POST', `/sandbox/users/${waId}/messages`, { phoneNumberId: PHONE_NUMBER_ID, text: 'Hello?', ...extra });

/** The `value` of the only change of a received webhook. */
const valueOf = (webhook: Received | undefined): Json => {
  const body = webhook?.body as { entry: Array<{ changes: Array<{ value: Json }> }> };
  const value = body.entry[0]?.changes[0]?.value;
  if (!value) throw new Error('no value');
  return value;
};

const statusesFor = (wamid: string): Json[] =>
  receiver.received
    .flatMap((webhook) => (valueOf(webhook).statuses as Json[] | undefined) ?? [])
    .filter((status) => status.id === wamid);

const wamidOf = (json: Json): string => {
  const messages = json.messages as Array<{ id: string }>;
  return messages[0]?.id ?? '';
};

beforeEach(async () => {
  receiver = await startReceiver();
  nowMs = T0;
  logs = [];
  categoryCalls.length = 0;
});

afterEach(async () => {
  await sandbox.close();
  await receiver.close();
  // every webhook the sandbox posted carries a valid X-Hub-Signature-256
  expect(receiver.received.every((webhook) => webhook.signatureValid)).toBe(true);
  // logs never carry message text, full phone numbers or user ids, or the token
  const logText = JSON.stringify(logs);
  expect(logText).not.toContain(SECRET_TEXT);
  expect(logText).not.toContain(USER);
  expect(logText).not.toContain(USER_BSUID);
  expect(logText).not.toContain(ACCESS_TOKEN);
});

describe('sandbox send endpoint', () => {
  it('answers like Meta, then posts signed sent, delivered, read with conversation and pricing', async () => {
    await start();
    await userWrites();
    await sandbox.idle();
    nowMs = T0 + 60_000;

    const answer = await send(textTo(`+${USER}`));

    expect(answer.status).toBe(200);
    const wamid = wamidOf(answer.json);
    expect(wamid).toMatch(/^wamid\.[A-Za-z0-9]+$/);
    expect(answer.json).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: `+${USER}`, wa_id: USER }],
      messages: [{ id: wamid }],
    });

    await sandbox.idle();
    expect(receiver.received).toHaveLength(4); // the user's message, then three statuses
    const statusWebhooks = receiver.received.slice(1);
    for (const webhook of statusWebhooks) {
      expect(webhook.body).toMatchObject({
        object: 'whatsapp_business_account',
        entry: [{ id: expect.any(String), changes: [{ field: 'messages' }] }],
      });
      expect(valueOf(webhook)).toMatchObject({
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: expect.any(String), phone_number_id: PHONE_NUMBER_ID },
      });
    }
    const sentAt = String(Math.floor((T0 + 60_000) / 1000));
    const [sent, delivered, read] = statusesFor(wamid);
    expect(statusesFor(wamid).map((status) => status.status)).toEqual(['sent', 'delivered', 'read']);
    expect(sent).toEqual({
      id: wamid,
      status: 'sent',
      timestamp: sentAt,
      recipient_id: USER,
      conversation: {
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        expiration_timestamp: String(Number(sentAt) + 86_400),
        origin: { type: 'service' },
      },
      pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
    });
    expect(delivered).toEqual({
      id: wamid,
      status: 'delivered',
      timestamp: sentAt,
      recipient_id: USER,
      conversation: { id: (sent?.conversation as Json).id, origin: { type: 'service' } },
      pricing: sent?.pricing,
    });
    expect(read).toEqual({ id: wamid, status: 'read', timestamp: sentAt, recipient_id: USER });

    const { json } = await request('GET', '/sandbox/sent');
    const records = json.messages as SandboxSentMessage[];
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      id: wamid,
      phoneNumberId: PHONE_NUMBER_ID,
      to: `+${USER}`,
      waId: USER,
      type: 'text',
      insideWindow: true,
      outcome: 'accepted',
      statuses: [
        { status: 'sent', delivered: true },
        { status: 'delivered', delivered: true },
        { status: 'read', delivered: true },
      ],
    });
    expect(sandbox.sent()).toEqual(records);
  });

  it('prices templates by category: regular outside the window, utility free inside it', async () => {
    await start();

    const marketing = await send(templateTo(USER, 'spring_sale'));
    expect(marketing.status).toBe(200);
    expect((marketing.json.messages as Json[])[0]).toEqual({ id: expect.any(String), message_status: 'accepted' });
    const utilityOutside = await send(templateTo(USER, 'order_confirmation'));
    await sandbox.idle();

    expect(categoryCalls).toEqual([
      ['spring_sale', 'en_US'],
      ['order_confirmation', 'en_US'],
    ]);
    expect(statusesFor(wamidOf(marketing.json))[0]).toMatchObject({
      conversation: { origin: { type: 'marketing' }, expiration_timestamp: expect.any(String) },
      pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
    });
    expect(statusesFor(wamidOf(utilityOutside.json))[0]).toMatchObject({
      conversation: { origin: { type: 'utility' } },
      pricing: { billable: true, type: 'regular', category: 'utility' },
    });

    await userWrites();
    const utilityInside = await send(templateTo(USER, 'order_confirmation'));
    const marketingInside = await send(templateTo(USER, 'spring_sale'));
    const auth = await send(templateTo(USER, 'login_code'));
    const freeForm = await send(textTo(USER));
    await sandbox.idle();

    expect(statusesFor(wamidOf(utilityInside.json))[1]).toMatchObject({
      status: 'delivered',
      pricing: { billable: false, type: 'free_customer_service', category: 'utility' },
    });
    expect(statusesFor(wamidOf(marketingInside.json))[0]).toMatchObject({
      pricing: { billable: true, type: 'regular', category: 'marketing' },
    });
    expect(statusesFor(wamidOf(auth.json))[0]).toMatchObject({
      pricing: { type: 'regular', category: 'authentication' },
      conversation: { origin: { type: 'authentication' } },
    });
    expect(statusesFor(wamidOf(freeForm.json))[0]).toMatchObject({
      pricing: { type: 'free_customer_service', category: 'service' },
    });
    // one conversation per category while it is open: the same id and expiry
    const firstMarketing = statusesFor(wamidOf(marketing.json))[0]?.conversation;
    expect(statusesFor(wamidOf(marketingInside.json))[0]?.conversation).toEqual(firstMarketing);
    expect((freeForm.json.messages as Json[])[0]).toEqual({ id: expect.any(String) });
  });

  it('answers 132001 for a template it does not know, and treats every template as utility without a lookup', async () => {
    await start();
    const unknown = await send(templateTo(USER, 'no_such_template', 'de'));
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: { code: 132001, type: 'OAuthException' } });
    expect(sandbox.sent()).toHaveLength(0);
    await sandbox.close();

    await start({ templateCategory: undefined });
    const answer = await send(templateTo(USER, 'anything'));
    expect(answer.status).toBe(200);
    expect(sandbox.sent()[0]?.template).toEqual({ name: 'anything', language: 'en_US', category: 'utility' });
  });

  it("applies Meta's 24-hour rule on its own, at the second", async () => {
    await start();
    await userWrites();
    const lastWrote = Math.floor(T0 / 1000);

    nowMs = (lastWrote + 86_399) * 1000;
    const inside = await send(textTo(USER));
    nowMs = (lastWrote + 86_400) * 1000;
    const outside = await send(textTo(USER));
    const template = await send(templateTo(USER, 'spring_sale'));
    await sandbox.idle();

    expect(inside.status).toBe(200);
    expect(statusesFor(wamidOf(inside.json)).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);

    // as Meta does today: accepted with a wamid, then a failed status with 131047 and no pricing
    expect(outside.status).toBe(200);
    const failed = statusesFor(wamidOf(outside.json));
    expect(failed).toEqual([
      {
        id: wamidOf(outside.json),
        status: 'failed',
        timestamp: String(lastWrote + 86_400),
        recipient_id: USER,
        errors: [
          expect.objectContaining({
            code: 131047,
            title: 'Re-engagement message',
            error_data: { details: expect.stringContaining('24 hours') },
          }),
        ],
      },
    ]);
    expect(sandbox.sent()[1]).toMatchObject({ outcome: 'failed', errorCode: 131047, insideWindow: false });
    expect(sandbox.sent()[1]?.pricing).toBeUndefined();

    expect(statusesFor(wamidOf(template.json)).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);

    // a user who never wrote has no window either
    const stranger = await send(textTo('+447700900123'));
    await sandbox.idle();
    expect(statusesFor(wamidOf(stranger.json)).map((s) => s.status)).toEqual(['failed']);
  });

  it("can refuse outside the window at once with Meta's 131047 error body", async () => {
    await start({ outsideWindow: 'reject' });
    const answer = await send(textTo(USER));
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      error: { code: 131047, message: '(#131047) Re-engagement message', fbtrace_id: expect.any(String) },
    });
    expect(sandbox.sent()).toHaveLength(0);
    await sandbox.idle();
    expect(receiver.received).toHaveLength(0);
  });

  it('follows a user across phone number and business-scoped user id', async () => {
    await start();
    await userWrites(USER, { userId: USER_BSUID });
    const byUserId = await send(textTo(USER_BSUID));
    await sandbox.idle();
    expect(byUserId.json.contacts).toEqual([{ input: USER_BSUID, wa_id: USER, user_id: USER_BSUID }]);
    expect(statusesFor(wamidOf(byUserId.json))[0]).toMatchObject({
      status: 'sent',
      recipient_id: USER,
      recipient_user_id: USER_BSUID,
      pricing: { type: 'free_customer_service' },
    });
  });

  it('refuses a wrong or missing token with 190 and sends nothing', async () => {
    await start();
    for (const token of ['wrong-token', null, '']) {
      const answer = await send(textTo(USER), token);
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ error: { code: 190, type: 'OAuthException' } });
      expect(JSON.stringify(answer.json)).not.toContain(ACCESS_TOKEN);
    }
    expect(sandbox.sent()).toHaveLength(0);
  });

  it.each<[string, Json]>([
    ['missing to', { type: 'text', text: { body: 'x' } }],
    ['to not a number', { to: 'call me', type: 'text', text: { body: 'x' } }],
    ['unknown type', { to: USER, type: 'fax', fax: {} }],
    ['type without its object', { to: USER, type: 'image' }],
    ['empty text body', { to: USER, type: 'text', text: { body: '' } }],
    ['text body over 4,096', { to: USER, type: 'text', text: { body: 'x'.repeat(4097) } }],
    ['template without language', { to: USER, type: 'template', template: { name: 'spring_sale' } }],
  ])('answers 400 with code 100 for %s', async (_name, body) => {
    await start();
    await userWrites();
    const answer = await send(body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { code: 100, type: 'OAuthException' } });
    expect(sandbox.sent()).toHaveLength(0);
  });

  it('requires messaging_product, defaults type to text and answers mark-as-read', async () => {
    await start();
    await userWrites();
    const noProduct = await request('POST', `/v24.0/${PHONE_NUMBER_ID}/messages`, textTo(USER));
    expect(noProduct.status).toBe(400);
    expect(noProduct.json).toMatchObject({ error: { code: 100 } });

    const defaulted = await send({ to: USER, text: { body: 'no type given' } });
    expect(defaulted.status).toBe(200);
    expect(sandbox.sent()[0]?.type).toBe('text');

    const read = await send({ status: 'read', message_id: 'wamid.ABC' });
    expect(read).toMatchObject({ status: 200, json: { success: true } });
  });
});

describe('sandbox faults', () => {
  it.each<[string, number, number]>([
    ['rate-limit', 429, 130429],
    ['pair-rate-limit', 400, 131056],
    ['server-error', 500, 131000],
    ['invalid-token', 401, 190],
  ])('%s fails the next `count` sends with HTTP %i and code %i', async (mode, status, code) => {
    await start();
    await userWrites();
    const queued = await request('POST', '/sandbox/faults', { mode, count: 2 });
    expect(queued).toMatchObject({ status: 200, json: { pending: [mode, mode] } });

    for (let i = 0; i < 2; i += 1) {
      const answer = await send(textTo(USER));
      expect(answer.status).toBe(status);
      expect(answer.json).toMatchObject({
        error: { code, message: expect.any(String), fbtrace_id: expect.any(String) },
      });
    }
    const third = await send(textTo(USER));
    expect(third.status).toBe(200);
    await sandbox.idle();
    expect(sandbox.sent()).toHaveLength(1);
    expect(statusesFor(wamidOf(third.json))).toHaveLength(3);
  });

  it('queues modes in order, can send Retry-After, and can be cleared', async () => {
    await start();
    await userWrites();
    await request('POST', '/sandbox/faults', { mode: 'server-error' });
    await request('POST', '/sandbox/faults', { mode: 'rate-limit', count: 1, retryAfterSeconds: 7 });
    sandbox.injectFault('pair-rate-limit', 1);

    expect((await send(textTo(USER))).status).toBe(500);
    const limited = await send(textTo(USER));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await send(textTo(USER))).json).toMatchObject({ error: { code: 131056 } });

    sandbox.injectFault('server-error', 5);
    expect((await request('DELETE', '/sandbox/faults')).json).toEqual({ pending: [] });
    expect((await send(textTo(USER))).status).toBe(200);
  });

  it('checks a bad token before a queued fault, and validates the fault request', async () => {
    await start();
    await userWrites();
    sandbox.injectFault('server-error', 1);
    expect((await send(textTo(USER), 'wrong')).status).toBe(401);
    expect((await send(textTo(USER))).status).toBe(500);

    for (const body of [
      { mode: 'meltdown', count: 1 },
      { mode: 'rate-limit', count: 0 },
      { mode: 'rate-limit', count: 1.5 },
    ]) {
      const answer = await request('POST', '/sandbox/faults', body);
      expect(answer).toMatchObject({ status: 400, json: { error: { code: 'VALIDATION_ERROR' } } });
    }
  });

  it('drives the Graph client through its failure paths', async () => {
    await start();
    await userWrites();
    const sleeps: number[] = [];
    const client = createGraphClient({
      baseUrl: sandbox.url,
      apiVersion: 'v24.0',
      accessToken: async () => ACCESS_TOKEN,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 1,
    });

    sandbox.injectFault('server-error', 2);
    const result = await client.sendMessage(PHONE_NUMBER_ID, textTo(USER));
    expect(result).toMatchObject({ ok: true, waId: USER, attempts: 3 });
    expect(sandbox.sent()).toHaveLength(1);
    expect(sleeps).toEqual([250, 500]);

    sandbox.injectFault('rate-limit', 3);
    const limited = await client.sendMessage(PHONE_NUMBER_ID, textTo(USER));
    expect(limited).toMatchObject({ ok: false, code: 130429, attempts: 3 });
    if (!limited.ok) expect(mapGraphError(limited)).toMatchObject({ status: 503, code: 'META_RATE_LIMITED' });

    sandbox.injectFault('invalid-token', 1);
    const token = await client.sendMessage(PHONE_NUMBER_ID, textTo(USER));
    expect(token).toMatchObject({ ok: false, code: 190, attempts: 1 });
    if (!token.ok) expect(mapGraphError(token)).toMatchObject({ status: 502, code: 'META_ACCESS_TOKEN_INVALID' });

    const template = await client.sendMessage(PHONE_NUMBER_ID, templateTo(USER, 'spring_sale'));
    expect(template).toMatchObject({ ok: true, messageStatus: 'accepted', attempts: 1 });
    expect(sandbox.sent()).toHaveLength(2);
  });
});

describe('sandbox users', () => {
  it('posts a signed inbound text webhook with contacts and answers its wamid', async () => {
    await start();
    const answer = await userWrites(USER, { text: SECRET_TEXT, name: 'Sheena Nelson' });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      id: expect.stringMatching(/^wamid\./),
      timestamp: String(T0 / 1000),
      delivered: true,
    });
    await sandbox.idle();

    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.body).toMatchObject({ object: 'whatsapp_business_account' });
    expect(valueOf(receiver.received[0])).toEqual({
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550000000', phone_number_id: PHONE_NUMBER_ID },
      contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: USER }],
      messages: [
        { from: USER, id: answer.json.id, timestamp: String(T0 / 1000), type: 'text', text: { body: SECRET_TEXT } },
      ],
    });
  });

  it('carries the business-scoped user id, or only it for a user known by it alone', async () => {
    await start({ wabaId: '102290129340398', displayPhoneNumber: '15550783881' });
    await userWrites(USER, { userId: USER_BSUID });
    await userWrites('US.77125230984410253310');
    await sandbox.idle();

    expect(receiver.received[0]?.body).toMatchObject({ entry: [{ id: '102290129340398' }] });
    expect(valueOf(receiver.received[0])).toMatchObject({
      metadata: { display_phone_number: '15550783881' },
      contacts: [{ wa_id: USER, user_id: USER_BSUID }],
      messages: [{ from: USER, from_user_id: USER_BSUID }],
    });
    const bsuidOnly = valueOf(receiver.received[1]);
    expect(bsuidOnly.contacts).toEqual([{ profile: { name: 'Sandbox User' }, user_id: 'US.77125230984410253310' }]);
    expect((bsuidOnly.messages as Json[])[0]).not.toHaveProperty('from');
    expect((bsuidOnly.messages as Json[])[0]).toMatchObject({ from_user_id: 'US.77125230984410253310' });
  });

  it('validates the user message request', async () => {
    await start();
    for (const [path, body] of [
      [`/sandbox/users/${USER}/messages`, { text: 'hi' }],
      [`/sandbox/users/${USER}/messages`, { phoneNumberId: PHONE_NUMBER_ID }],
      [`/sandbox/users/${USER}/messages`, { phoneNumberId: PHONE_NUMBER_ID, text: 'hi', userId: 'nope' }],
      ['/sandbox/users/not-a-user/messages', { phoneNumberId: PHONE_NUMBER_ID, text: 'hi' }],
    ] as const) {
      const answer = await request('POST', path, body);
      expect(answer).toMatchObject({ status: 400, json: { error: { code: 'VALIDATION_ERROR' } } });
    }
    expect((await request('GET', '/nowhere')).status).toBe(404);
    await sandbox.idle();
    expect(receiver.received).toHaveLength(0);
  });
});

describe('sandbox origin', () => {
  const fromOrigin = async (origin: string, path: string, body: Json, token: string | null = null) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin,
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      json: (await response.json()) as Json,
    };
  };

  it('refuses requests from another origin with 403, before signing or sending anything', async () => {
    await start();
    for (const origin of ['http://evil.example', 'null', `${sandbox.url.replace('127.0.0.1', 'localhost')}`]) {
      const inbound = await fromOrigin(origin, `/sandbox/users/${USER}/messages`, {
        phoneNumberId: PHONE_NUMBER_ID,
        text: 'Hello?',
      });
      expect(inbound).toMatchObject({
        status: 403,
        type: 'application/json',
        json: { error: { code: 'ORIGIN_NOT_ALLOWED', message: expect.stringContaining(sandbox.url) } },
      });
      const sent = await fromOrigin(
        origin,
        `/v24.0/${PHONE_NUMBER_ID}/messages`,
        {
          messaging_product: 'whatsapp',
          ...templateTo(USER, 'spring_sale'),
        },
        ACCESS_TOKEN,
      );
      expect(sent.status).toBe(403);
    }
    await sandbox.idle();
    expect(receiver.received).toHaveLength(0);
    expect(sandbox.sent()).toHaveLength(0);
  });

  it('answers requests from its own origin as those without one', async () => {
    await start();
    const inbound = await fromOrigin(new URL(sandbox.url).origin, `/sandbox/users/${USER}/messages`, {
      phoneNumberId: PHONE_NUMBER_ID,
      text: 'Hello?',
    });
    expect(inbound).toMatchObject({ status: 200, json: { delivered: true } });
    expect(receiver.received).toHaveLength(1);
  });
});

describe('sandbox webhook delivery', () => {
  it('idle() waits for statuses still scheduled behind their delays', async () => {
    await start({ delaysMs: { sent: 20, delivered: 20, read: 20 } });
    await userWrites();
    const answer = await send(textTo(USER));
    expect(statusesFor(wamidOf(answer.json))).toHaveLength(0);

    await sandbox.idle();
    expect(statusesFor(wamidOf(answer.json)).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    const overHttp = await request('GET', '/sandbox/idle');
    expect(overHttp).toMatchObject({ status: 200, json: { idle: true } });
  });

  it('retries a failing webhook endpoint and keeps the order of statuses', async () => {
    await start();
    await userWrites();
    await sandbox.idle();
    receiver.failNext(2, 500);
    const answer = await send(textTo(USER));
    await sandbox.idle();
    expect(receiver.attempts()).toBe(1 + 2 + 3);
    expect(statusesFor(wamidOf(answer.json)).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(sandbox.sent()[0]?.statuses.every((status) => status.delivered)).toBe(true);
  });

  it('drops a webhook after the bounded attempts with a log line and goes on', async () => {
    await start();
    receiver.failAlways();
    await userWrites(USER, { text: SECRET_TEXT });
    await sandbox.idle();
    expect(receiver.attempts()).toBe(3);
    const dropped = logs.filter((entry) => entry.message === 'sandbox webhook dropped');
    expect(dropped).toEqual([
      expect.objectContaining({
        level: 'WARN',
        component: 'whatsapp-sandbox',
        kind: 'message',
        attempts: 3,
        problem: 'HTTP 503',
        user: '*******1234',
      }),
    ]);

    const answer = await send(templateTo(USER, 'spring_sale'));
    await sandbox.idle();
    expect(receiver.attempts()).toBe(3 + 9);
    expect(sandbox.sent()[0]?.statuses.map((s) => [s.status, s.delivered])).toEqual([
      ['sent', false],
      ['delivered', false],
      ['read', false],
    ]);
    expect(
      logs.filter((entry) => entry.message === 'sandbox webhook dropped' && entry.wamid === wamidOf(answer.json)),
    ).toHaveLength(3);
  });

  it('gives up on an unreachable endpoint and close() cancels what is scheduled', async () => {
    await start({ webhookUrl: 'http://127.0.0.1:1/webhook', delaysMs: { sent: 60_000, delivered: 0, read: 0 } });
    await userWrites();
    await sandbox.idle();
    expect(logs.some((entry) => entry.message === 'sandbox webhook dropped' && entry.kind === 'message')).toBe(true);

    await send(templateTo(USER, 'spring_sale'));
    const started = Date.now();
    await sandbox.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(sandbox.sent()[0]?.statuses).toEqual([]);
  });
});

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
    await sandbox.idle();
    nowMs = T0 + 86_400_000;
    expect((await send(templateTo(USER, 'spring_sale'))).status).toBe(200);
    await sandbox.idle();
    expect(sandbox.sent().map((record) => record.outcome)).toEqual([
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
      baseUrl: sandbox.url,
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
