import type { Sandbox } from '../../bin/local/sandbox/index.ts';
import type { SendHandlerDeps } from '../../functions/send-message/index.ts';
import { pairRateLimit } from '#domain/pacing';
import { uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import { contactItems, webhookHarness } from '#test/webhook';
import * as payloads from '../fixtures/payloads.ts';
import { API_TOKEN, startSendRoute, type SendRoute } from '../support/send-route.ts';

/**
 * The send route against DynamoDB Local, with the built-in sandbox playing Meta: the sandbox's
 * status webhooks reach the real webhook handler through the local server, so the whole loop runs.
 */
let route: SendRoute;
let sandbox: Sandbox;
let stores: SendRoute['stores'];

beforeAll(async () => {
  route = await startSendRoute();
  ({ sandbox, stores } = route);
});

afterAll(() => route.close());

const handlerWith = (overrides: Partial<SendHandlerDeps> = {}) => route.handler(overrides);

const post = (
  handler: ReturnType<typeof handlerWith>,
  body: unknown,
  headers?: Record<string, string>,
): ReturnType<SendRoute['post']> => route.post(handler, body, headers);

/** A user writes to the business through the sandbox, which posts the signed inbound webhook. */
const userWrites = async (phoneNumberId: string, waId: string) => {
  await route.userWrites(phoneNumberId, waId);
  await sandbox.idle();
};

const registerTemplate = (
  name: string,
  category: string,
  bodyText = 'Your order {{1}} has shipped.',
  status = 'APPROVED',
) =>
  stores.templates.registerTemplate(
    {
      name,
      language: 'en_US',
      category: category as 'utility',
      status,
      components: [{ type: 'BODY', text: bodyText }],
    },
    Math.floor(Date.now() / 1000),
  );

const sentTo = (waId: string) => sandbox.sent().filter((message) => message.waId === waId);

describe('POST /messages with the sandbox as Meta', () => {
  let handler: ReturnType<typeof handlerWith>;
  beforeAll(() => {
    handler = handlerWith();
  });

  it('sends a text inside the window; delivery opens a service conversation', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    await userWrites(phoneNumberId, waId);
    const answer = await post(handler, {
      to: `+${waId}`,
      type: 'text',
      text: { body: 'Thanks for writing!' },
      phoneNumberId,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'accepted',
      window: { open: true },
      billing: { opensConversation: true, category: 'service', pricingModel: 'PMP' },
    });
    expect(String(answer.body.id)).toMatch(/^wamid\./);
    await sandbox.idle();
    const conversations = (await contactItems(phoneNumberId, waId)).filter((item) =>
      String(item.sk).startsWith('CONV#'),
    );
    expect(conversations).toMatchObject([{ category: 'service', origin: 'user_initiated' }]);
  });

  it('refuses a text to a user who never wrote, before Meta sees it', async () => {
    const waId = uniqueWaId();
    const answer = await post(handler, {
      to: waId,
      type: 'text',
      text: { body: 'Hi' },
      phoneNumberId: uniquePhoneNumberId(),
    });
    expect(answer).toMatchObject({ status: 422, body: { error: { code: 'OUTSIDE_CUSTOMER_SERVICE_WINDOW' } } });
    expect(sentTo(waId)).toEqual([]);
  });

  it('sends an approved template outside the window; delivery opens a conversation of its category', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const name = `shipping_update_${waId}`;
    await registerTemplate(name, 'utility');
    const answer = await post(handler, {
      to: waId,
      type: 'template',
      phoneNumberId,
      template: {
        name,
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-1042' }] }],
      },
    });
    expect(answer).toMatchObject({
      status: 200,
      body: { window: { open: false, expiresAt: null }, billing: { opensConversation: true, category: 'utility' } },
    });
    await sandbox.idle();
    const conversations = (await contactItems(phoneNumberId, waId)).filter((item) =>
      String(item.sk).startsWith('CONV#'),
    );
    expect(conversations).toMatchObject([{ category: 'utility', origin: 'business_initiated' }]);
  });

  it.each([
    ['TEMPLATE_NOT_FOUND', 422, async () => 'no_such_template', [{ type: 'body', parameters: [] }]],
    [
      'TEMPLATE_NOT_APPROVED',
      422,
      async (waId: string) => {
        await registerTemplate(`pending_${waId}`, 'marketing', 'Sale!', 'PENDING');
        return `pending_${waId}`;
      },
      [],
    ],
    [
      'TEMPLATE_PARAMETER_MISMATCH',
      422,
      async (waId: string) => {
        await registerTemplate(`order_${waId}`, 'utility');
        return `order_${waId}`;
      },
      [{ type: 'body', parameters: [] }],
    ],
    [
      'TEMPLATE_BODY_TOO_LONG',
      400,
      async (waId: string) => {
        await registerTemplate(`long_${waId}`, 'utility', `${'x'.repeat(1020)} {{1}}!!!!`);
        return `long_${waId}`;
      },
      [{ type: 'body', parameters: [{ type: 'text', text: 'y' }] }],
    ],
  ])('refuses with %s', async (code, status, prepare, components) => {
    const waId = uniqueWaId();
    const name = await prepare(waId);
    const answer = await post(handler, {
      to: waId,
      type: 'template',
      phoneNumberId: uniquePhoneNumberId(),
      template: { name, language: { code: 'en_US' }, components },
    });
    expect(answer).toMatchObject({ status, body: { error: { code } } });
    expect(sentTo(waId)).toEqual([]);
  });

  it('accepts a template body of exactly 1,024 fixed characters, long variable values not counting', async () => {
    const waId = uniqueWaId();
    await registerTemplate(`exact_${waId}`, 'utility', `${'x'.repeat(1020)} {{1}}!!!`);
    const answer = await post(handler, {
      to: waId,
      type: 'template',
      phoneNumberId: uniquePhoneNumberId(),
      template: {
        name: `exact_${waId}`,
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'v'.repeat(900) }] }],
      },
    });
    expect(answer.status).toBe(200);
  });

  it('closes our window when Meta fails a free-form send with 131047, and refuses the next one itself', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    // Our table has an open window (a webhook we received), but Meta (the sandbox) never saw the user write.
    const harness = webhookHarness({ now: Math.floor(Date.now() / 1000) });
    const inbound = payloads.webhookBody(
      payloads.messagesChange({
        phoneNumberId,
        messages: [payloads.textMessage('hi', { from: waId, timestamp: Math.floor(Date.now() / 1000) - 5 })],
      }),
    );
    expect((await harness.post(inbound)).status).toBe(200);
    const body = { to: waId, type: 'text', text: { body: 'Are you there?' }, phoneNumberId };
    expect((await post(handler, body)).status).toBe(200);
    await sandbox.idle();
    expect(sentTo(waId)).toMatchObject([{ outcome: 'failed', errorCode: 131047 }]);
    expect(await post(handler, body)).toMatchObject({
      status: 422,
      body: { error: { code: 'OUTSIDE_CUSTOMER_SERVICE_WINDOW' } },
    });
    expect(sentTo(waId)).toHaveLength(1);
  });

  it('answers 401 without a valid token and sends nothing', async () => {
    const waId = uniqueWaId();
    const body = { to: waId, type: 'text', text: { body: 'Hi' }, phoneNumberId: uniquePhoneNumberId() };
    expect(await post(handler, body, {})).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    expect(await post(handler, body, { authorization: 'Bearer wrong' })).toMatchObject({ status: 401 });
    expect(await post(handler, body, { authorization: API_TOKEN })).toMatchObject({ status: 401 });
    expect(sentTo(waId)).toEqual([]);
  });

  it('answers 400 naming the field of an invalid body', async () => {
    const answer = await post(handler, { to: '15551234567', type: 'text', text: {} });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_ERROR' } } });
    expect(String((answer.body.error as { message: string }).message)).toMatch(/^text\.body/);
  });

  it('answers 400 INVALID_RECIPIENT for a number without its country code, before any window is read', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const answer = await post(handler, { to: '555-1234', type: 'text', text: { body: 'Hi' }, phoneNumberId });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'INVALID_RECIPIENT' } } });
    expect((answer.body.error as { message: string }).message).toMatch(/^to: .*\+15551234567: country code first/);
    expect(sentTo('5551234')).toEqual([]);
  });

  it('sends once and answers the same for the same Idempotency-Key; another body with it is refused', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    await userWrites(phoneNumberId, waId);
    const key = `key-${waId}`;
    const body = { to: waId, type: 'text', text: { body: 'Your table is ready' }, phoneNumberId };
    const headers = { authorization: `Bearer ${API_TOKEN}`, 'idempotency-key': key };
    const first = await post(handler, body, headers);
    const second = await post(handler, body, headers);
    expect(first.status).toBe(200);
    expect(second).toEqual(first);
    expect(sentTo(waId)).toHaveLength(1);
    const reused = await post(handler, { ...body, text: { body: 'Something else' } }, headers);
    expect(reused).toMatchObject({ status: 422, body: { error: { code: 'IDEMPOTENCY_KEY_REUSED' } } });
    expect(sentTo(waId)).toHaveLength(1);
  });

  /** A user writes, the sandbox is told to answer the next `times` sends with `fault`, and the business replies. */
  const replyThroughFault = async (fault: Parameters<Sandbox['injectFault']>[0], times: number, text: string) => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    await userWrites(phoneNumberId, waId);
    sandbox.injectFault(fault, times);
    const answer = await post(handler, { to: waId, type: 'text', text: { body: text }, phoneNumberId });
    return { waId, answer };
  };

  it('retries Meta after two 5xx and sends one message', async () => {
    const { waId, answer } = await replyThroughFault('server-error', 2, 'Third time lucky');
    expect(answer.status).toBe(200);
    expect(sentTo(waId)).toHaveLength(1);
  });

  it("maps Meta's invalid token to 502 and names the access token", async () => {
    const { answer } = await replyThroughFault('invalid-token', 1, 'Hi');
    expect(answer).toMatchObject({ status: 502, body: { error: { code: 'META_ACCESS_TOKEN_INVALID' } } });
  });
});

describe('pacing against DynamoDB Local with the clock injected', () => {
  it('answers 429 with Retry-After past the per-number limit while the next second goes through', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const users = Array.from({ length: 4 }, () => uniqueWaId());
    for (const waId of users) await userWrites(phoneNumberId, waId);
    // The clock stands still from here: the users wrote before it.
    let now = Math.floor(Date.now() / 1000) + 1;
    const handler = handlerWith({ clock: () => now, pacing: { messagesPerSecond: 3, pair: pairRateLimit(6, 45) } });
    const answers = [];
    for (const waId of users) {
      answers.push(await post(handler, { to: waId, type: 'text', text: { body: 'Hi' }, phoneNumberId }));
    }
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[3]).toMatchObject({
      headers: { 'retry-after': '1' },
      body: { error: { code: 'NUMBER_RATE_LIMITED' } },
    });
    now += 1;
    expect((await post(handler, { to: users[3], type: 'text', text: { body: 'Hi' }, phoneNumberId })).status).toBe(200);
  });

  it('answers 429 past the pair rate to one user while other users still get through', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const busy = uniqueWaId();
    const other = uniqueWaId();
    await userWrites(phoneNumberId, busy);
    await userWrites(phoneNumberId, other);
    let now = Math.floor(Date.now() / 1000) + 1;
    const handler = handlerWith({ clock: () => now, pacing: { messagesPerSecond: 80, pair: pairRateLimit(6, 2) } });
    const send = (waId: string) => post(handler, { to: waId, type: 'text', text: { body: 'Hi' }, phoneNumberId });
    expect((await send(busy)).status).toBe(200);
    expect((await send(busy)).status).toBe(200);
    const refused = await send(busy);
    expect(refused).toMatchObject({
      status: 429,
      headers: { 'retry-after': '6' },
      body: { error: { code: 'PAIR_RATE_LIMITED' } },
    });
    expect((await send(other)).status).toBe(200);
    now += 6;
    expect((await send(busy)).status).toBe(200);
  });
  it("paces a merged user as one: the sends to the number count once the user's ids are linked", async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const userId = `US.${waId}1`;
    await userWrites(phoneNumberId, waId);
    const clock = { now: Math.floor(Date.now() / 1000) + 1 };
    const handler = handlerWith({
      clock: () => clock.now,
      pacing: { messagesPerSecond: 80, pair: pairRateLimit(6, 2) },
    });
    const send = () => post(handler, { to: waId, type: 'text', text: { body: 'Hi' }, phoneNumberId });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    // the user writes by the business-scoped id alone, then with both: the number's contact merges into it
    const webhook = webhookHarness(clock);
    const write = async (withNumber: boolean) => {
      const change = payloads.messagesChange({
        phoneNumberId,
        contacts: [payloads.contact({ ...(withNumber ? { waId } : {}), userId, name: 'Ana' })],
        messages: [
          payloads.textMessage('hi', { from: withNumber ? waId : null, fromUserId: userId, timestamp: clock.now }),
        ],
      });
      expect((await webhook.post(payloads.webhookBody(change))).status).toBe(200);
    };
    await write(false);
    await write(true);
    expect((await stores.contacts.resolveContact(phoneNumberId, { waId })).contactId).toBe(userId);
    // the two sends before the link still count against the pair rate of the one user
    expect(await send()).toMatchObject({ status: 429, body: { error: { code: 'PAIR_RATE_LIMITED' } } });
    clock.now += 6;
    expect((await send()).status).toBe(200);
  });
});
