import { createGraphClient, mapGraphError } from '#graph/graph-client';
import {
  ACCESS_TOKEN,
  type Json,
  PHONE_NUMBER_ID,
  SECRET_TEXT,
  T0,
  templateTo,
  textTo,
  USER,
  USER_BSUID,
  useSandbox,
  valueOf,
  wamidOf,
} from '#test/sandbox-harness';
import type { SandboxSentMessage } from './index';

const h = useSandbox();
const { start, request, send, userWrites, statusesFor } = h;

describe('sandbox send endpoint', () => {
  it('answers like Meta, then posts signed sent, delivered, read with conversation and pricing', async () => {
    await start();
    await userWrites();
    await h.sandbox.idle();
    h.nowMs = T0 + 60_000;

    const answer = await send(textTo(`+${USER}`));

    expect(answer.status).toBe(200);
    const wamid = wamidOf(answer.json);
    expect(wamid).toMatch(/^wamid\.[A-Za-z0-9]+$/);
    expect(answer.json).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: `+${USER}`, wa_id: USER }],
      messages: [{ id: wamid }],
    });

    await h.sandbox.idle();
    expect(h.receiver.received).toHaveLength(4); // the user's message, then three statuses
    const statusWebhooks = h.receiver.received.slice(1);
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
    expect(h.sandbox.sent()).toEqual(records);
  });

  it('prices templates by category: regular outside the window, utility free inside it', async () => {
    await start();

    const marketing = await send(templateTo(USER, 'spring_sale'));
    expect(marketing.status).toBe(200);
    expect((marketing.json.messages as Json[])[0]).toEqual({ id: expect.any(String), message_status: 'accepted' });
    const utilityOutside = await send(templateTo(USER, 'order_confirmation'));
    await h.sandbox.idle();

    expect(h.categoryCalls).toEqual([
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
    await h.sandbox.idle();

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
    expect(h.sandbox.sent()).toHaveLength(0);
    await h.sandbox.close();

    await start({ templateCategory: undefined });
    const answer = await send(templateTo(USER, 'anything'));
    expect(answer.status).toBe(200);
    expect(h.sandbox.sent()[0]?.template).toEqual({ name: 'anything', language: 'en_US', category: 'utility' });
  });

  it("applies Meta's 24-hour rule on its own, at the second", async () => {
    await start();
    await userWrites();
    const lastWrote = Math.floor(T0 / 1000);

    h.nowMs = (lastWrote + 86_399) * 1000;
    const inside = await send(textTo(USER));
    h.nowMs = (lastWrote + 86_400) * 1000;
    const outside = await send(textTo(USER));
    const template = await send(templateTo(USER, 'spring_sale'));
    await h.sandbox.idle();

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
    expect(h.sandbox.sent()[1]).toMatchObject({ outcome: 'failed', errorCode: 131047, insideWindow: false });
    expect(h.sandbox.sent()[1]?.pricing).toBeUndefined();

    expect(statusesFor(wamidOf(template.json)).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);

    // a user who never wrote has no window either
    const stranger = await send(textTo('+447700900123'));
    await h.sandbox.idle();
    expect(statusesFor(wamidOf(stranger.json)).map((s) => s.status)).toEqual(['failed']);
  });

  it("can refuse outside the window at once with Meta's 131047 error body", async () => {
    await start({ outsideWindow: 'reject' });
    const answer = await send(textTo(USER));
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      error: { code: 131047, message: '(#131047) Re-engagement message', fbtrace_id: expect.any(String) },
    });
    expect(h.sandbox.sent()).toHaveLength(0);
    await h.sandbox.idle();
    expect(h.receiver.received).toHaveLength(0);
  });

  it('follows a user across phone number and business-scoped user id', async () => {
    await start();
    await userWrites(USER, { userId: USER_BSUID });
    const byUserId = await send(textTo(USER_BSUID));
    await h.sandbox.idle();
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
    expect(h.sandbox.sent()).toHaveLength(0);
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
    expect(h.sandbox.sent()).toHaveLength(0);
  });

  it('requires messaging_product, defaults type to text and answers mark-as-read', async () => {
    await start();
    await userWrites();
    const noProduct = await request('POST', `/v24.0/${PHONE_NUMBER_ID}/messages`, textTo(USER));
    expect(noProduct.status).toBe(400);
    expect(noProduct.json).toMatchObject({ error: { code: 100 } });

    const defaulted = await send({ to: USER, text: { body: 'no type given' } });
    expect(defaulted.status).toBe(200);
    expect(h.sandbox.sent()[0]?.type).toBe('text');

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
    await h.sandbox.idle();
    expect(h.sandbox.sent()).toHaveLength(1);
    expect(statusesFor(wamidOf(third.json))).toHaveLength(3);
  });

  it('queues modes in order, can send Retry-After, and can be cleared', async () => {
    await start();
    await userWrites();
    await request('POST', '/sandbox/faults', { mode: 'server-error' });
    await request('POST', '/sandbox/faults', { mode: 'rate-limit', count: 1, retryAfterSeconds: 7 });
    h.sandbox.injectFault('pair-rate-limit', 1);

    expect((await send(textTo(USER))).status).toBe(500);
    const limited = await send(textTo(USER));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await send(textTo(USER))).json).toMatchObject({ error: { code: 131056 } });

    h.sandbox.injectFault('server-error', 5);
    expect((await request('DELETE', '/sandbox/faults')).json).toEqual({ pending: [] });
    expect((await send(textTo(USER))).status).toBe(200);
  });

  it('checks a bad token before a queued fault, and validates the fault request', async () => {
    await start();
    await userWrites();
    h.sandbox.injectFault('server-error', 1);
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
      baseUrl: h.sandbox.url,
      apiVersion: 'v24.0',
      accessToken: async () => ACCESS_TOKEN,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 1,
    });

    h.sandbox.injectFault('server-error', 2);
    const result = await client.sendMessage(PHONE_NUMBER_ID, textTo(USER));
    expect(result).toMatchObject({ ok: true, waId: USER, attempts: 3 });
    expect(h.sandbox.sent()).toHaveLength(1);
    expect(sleeps).toEqual([250, 500]);

    h.sandbox.injectFault('rate-limit', 3);
    const limited = await client.sendMessage(PHONE_NUMBER_ID, textTo(USER));
    expect(limited).toMatchObject({ ok: false, code: 130429, attempts: 3 });
    if (!limited.ok) expect(mapGraphError(limited)).toMatchObject({ status: 503, code: 'META_RATE_LIMITED' });

    h.sandbox.injectFault('invalid-token', 1);
    const token = await client.sendMessage(PHONE_NUMBER_ID, textTo(USER));
    expect(token).toMatchObject({ ok: false, code: 190, attempts: 1 });
    if (!token.ok) expect(mapGraphError(token)).toMatchObject({ status: 502, code: 'META_ACCESS_TOKEN_INVALID' });

    const template = await client.sendMessage(PHONE_NUMBER_ID, templateTo(USER, 'spring_sale'));
    expect(template).toMatchObject({ ok: true, messageStatus: 'accepted', attempts: 1 });
    expect(h.sandbox.sent()).toHaveLength(2);
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
    await h.sandbox.idle();

    expect(h.receiver.received).toHaveLength(1);
    expect(h.receiver.received[0]?.body).toMatchObject({ object: 'whatsapp_business_account' });
    expect(valueOf(h.receiver.received[0])).toEqual({
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
    await h.sandbox.idle();

    expect(h.receiver.received[0]?.body).toMatchObject({ entry: [{ id: '102290129340398' }] });
    expect(valueOf(h.receiver.received[0])).toMatchObject({
      metadata: { display_phone_number: '15550783881' },
      contacts: [{ wa_id: USER, user_id: USER_BSUID }],
      messages: [{ from: USER, from_user_id: USER_BSUID }],
    });
    const bsuidOnly = valueOf(h.receiver.received[1]);
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
    await h.sandbox.idle();
    expect(h.receiver.received).toHaveLength(0);
  });
});

describe('sandbox origin', () => {
  const fromOrigin = async (origin: string, path: string, body: Json, token: string | null = null) => {
    const response = await fetch(`${h.sandbox.url}${path}`, {
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
    for (const origin of ['http://evil.example', 'null', `${h.sandbox.url.replace('127.0.0.1', 'localhost')}`]) {
      const inbound = await fromOrigin(origin, `/sandbox/users/${USER}/messages`, {
        phoneNumberId: PHONE_NUMBER_ID,
        text: 'Hello?',
      });
      expect(inbound).toMatchObject({
        status: 403,
        type: 'application/json',
        json: { error: { code: 'ORIGIN_NOT_ALLOWED', message: expect.stringContaining(h.sandbox.url) } },
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
    await h.sandbox.idle();
    expect(h.receiver.received).toHaveLength(0);
    expect(h.sandbox.sent()).toHaveLength(0);
  });

  it('answers requests from its own origin as those without one', async () => {
    await start();
    const inbound = await fromOrigin(new URL(h.sandbox.url).origin, `/sandbox/users/${USER}/messages`, {
      phoneNumberId: PHONE_NUMBER_ID,
      text: 'Hello?',
    });
    expect(inbound).toMatchObject({ status: 200, json: { delivered: true } });
    expect(h.receiver.received).toHaveLength(1);
  });
});
