import { parseWebhook } from '#webhook/parse';
import { CONVERSATION_SECONDS, MetaError, WINDOW_SECONDS } from '#domain/platform';
import { DAY } from '#domain/time';
import { SandboxFailure, type Json } from './errors';
import type { SandboxSentMessage } from './messages';
import { MetaModel, type MetaModelOptions } from './model';

/** Meta's side alone: no HTTP, no timers, the clock moved by hand. */

const NUMBER = '106540352242922';
const USER = '16505551234';
const USER_ID = 'US.13491208655302741918';
const T0 = Date.parse('2026-06-01T10:00:00Z') / 1000;
const DAY0 = Date.parse('2026-06-01T00:00:00Z') / 1000;

let now: number;
let logs: Array<Record<string, unknown>>;

const model = (overrides: Partial<MetaModelOptions> = {}) =>
  new MetaModel({
    clock: () => now,
    wabaId: '100000000000000',
    displayPhoneNumber: '15550000000',
    outsideWindow: 'failed-status',
    templateCategory: async (name) => ({ spring_sale: 'marketing', order_update: 'UTILITY' })[name],
    log: (entry) => logs.push(entry),
    ...overrides,
  });

const text = (to: string): Json => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hi' } });
const template = (to: string, name: string): Json => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: { name, language: { code: 'en_US' } },
});

const sendNow = async (meta: MetaModel, body: Json): Promise<SandboxSentMessage> => {
  const { message } = await meta.send(NUMBER, body);
  if (!message) throw new Error('nothing was accepted');
  return message;
};

const refusal = async (promise: Promise<unknown>): Promise<SandboxFailure> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SandboxFailure) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

const writes = (meta: MetaModel, ids: { waId?: string; userId?: string } = { waId: USER }) =>
  meta.userWrites(ids, NUMBER, { type: 'text', text: 'Hello?' }, 'Ana');

beforeEach(() => {
  now = T0;
  logs = [];
});

describe("Meta's 24-hour window", () => {
  it('is open until the second before WINDOW_SECONDS after the last message, closed at it', async () => {
    const meta = model();
    writes(meta);
    now = T0 + WINDOW_SECONDS - 1;
    expect(await sendNow(meta, text(USER))).toMatchObject({ insideWindow: true, outcome: 'accepted' });
    now = T0 + WINDOW_SECONDS;
    expect(await sendNow(meta, text(USER))).toMatchObject({
      insideWindow: false,
      outcome: 'failed',
      errorCode: MetaError.outsideWindow,
    });
  });

  it("runs from the user's latest message, per business number", async () => {
    const meta = model();
    writes(meta);
    now = T0 + 100;
    writes(meta);
    now = T0 + WINDOW_SECONDS + 99;
    expect((await sendNow(meta, text(USER))).insideWindow).toBe(true);
    const other = await meta.send('999999999999999', text(USER));
    expect(other.message?.insideWindow).toBe(false);
    now = T0 + WINDOW_SECONDS + 100;
    expect((await sendNow(meta, text(USER))).insideWindow).toBe(false);
  });

  it('follows a user seen by phone number and user id', async () => {
    const meta = model();
    writes(meta, { waId: USER, userId: USER_ID });
    const message = await sendNow(meta, text(USER_ID));
    expect(message).toMatchObject({ insideWindow: true, waId: USER, userId: USER_ID });
  });

  it("can refuse at once with Meta's 131047 instead of a failed status", async () => {
    const meta = model({ outsideWindow: 'reject' });
    const failure = await refusal(meta.send(NUMBER, text(USER)));
    expect(failure.status).toBe(400);
    expect(failure.body).toMatchObject({ error: { code: MetaError.outsideWindow } });
    expect(meta.sent()).toEqual([]);
  });
});

describe('conversations and pricing', () => {
  it('keeps a conversation id per category until CONVERSATION_SECONDS after it opened', async () => {
    const meta = model();
    const first = await sendNow(meta, template(USER, 'spring_sale'));
    now = T0 + CONVERSATION_SECONDS - 1;
    const same = await sendNow(meta, template(USER, 'spring_sale'));
    const utility = await sendNow(meta, template(USER, 'order_update'));
    now = T0 + CONVERSATION_SECONDS;
    const next = await sendNow(meta, template(USER, 'spring_sale'));
    expect(first.conversation).toEqual({
      id: expect.any(String),
      category: 'marketing',
      expiresAt: T0 + CONVERSATION_SECONDS,
    });
    expect(same.conversation?.id).toBe(first.conversation?.id);
    expect(utility.conversation?.id).not.toBe(first.conversation?.id);
    expect(next.conversation?.id).not.toBe(first.conversation?.id);
  });

  it('prices free-form and utility inside the window as free, every other template as regular', async () => {
    const meta = model();
    const utilityOutside = await sendNow(meta, template(USER, 'order_update'));
    writes(meta);
    const utilityInside = await sendNow(meta, template(USER, 'order_update'));
    const marketingInside = await sendNow(meta, template(USER, 'spring_sale'));
    const reply = await sendNow(meta, text(USER));
    expect([utilityOutside, utilityInside, marketingInside, reply].map((m) => m.pricing)).toEqual([
      { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' },
      { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'utility' },
      { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
      { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
    ]);
  });

  it('answers 132001 for a template it does not know, and knows every template as utility without a lookup', async () => {
    const failure = await refusal(model().send(NUMBER, template(USER, 'no_such_template')));
    expect(failure).toMatchObject({ status: 404, body: { error: { code: 132001 } } });
    const withoutLookup = new MetaModel({
      clock: () => now,
      wabaId: '1',
      displayPhoneNumber: '1',
      outsideWindow: 'failed-status',
      log: () => undefined,
    });
    const message = await sendNow(withoutLookup, template(USER, 'anything'));
    expect(message.template).toEqual({ name: 'anything', language: 'en_US', category: 'utility' });
  });
});

describe('statuses to post', () => {
  it('posts sent, delivered, read with conversation and pricing on sent and delivered only', async () => {
    const meta = model();
    const message = await sendNow(meta, { ...template(USER, 'spring_sale'), biz_opaque_callback_data: 'order-7' });
    expect(meta.statusesToPost(message)).toEqual(['sent', 'delivered', 'read']);
    const itemOf = (status: 'sent' | 'delivered' | 'read') => {
      const { payload } = meta.statusWebhook(message, status);
      const entry = (payload.entry as Array<{ changes: Array<{ value: { statuses: Json[] } }> }>)[0];
      return entry?.changes[0]?.value.statuses[0];
    };
    now = T0 + 5;
    expect(itemOf('sent')).toEqual({
      id: message.id,
      status: 'sent',
      timestamp: String(T0 + 5),
      recipient_id: USER,
      biz_opaque_callback_data: 'order-7',
      conversation: {
        id: message.conversation?.id,
        expiration_timestamp: String(T0 + CONVERSATION_SECONDS),
        origin: { type: 'marketing' },
      },
      pricing: message.pricing,
    });
    expect(itemOf('delivered')?.conversation).not.toHaveProperty('expiration_timestamp');
    expect(itemOf('read')).not.toHaveProperty('pricing');
    expect(itemOf('read')).not.toHaveProperty('conversation');
  });

  it('posts a failed status alone, with the re-engagement error, outside the window', async () => {
    const meta = model();
    const message = await sendNow(meta, text(USER));
    expect(meta.statusesToPost(message)).toEqual(['failed']);
    const { payload } = meta.statusWebhook(message, 'failed');
    expect(JSON.stringify(payload)).toContain(`"code":${MetaError.outsideWindow}`);
    expect(message.pricing).toBeUndefined();
  });
});

describe('faults', () => {
  it('fails the next sends in the order queued, with Retry-After when asked, and can be cleared', async () => {
    const meta = model();
    writes(meta);
    meta.queueFaults('server-error');
    meta.queueFaults('rate-limit', 1, 7);
    meta.queueFaults('pair-rate-limit', 2);
    expect(meta.pendingFaults()).toEqual(['server-error', 'rate-limit', 'pair-rate-limit', 'pair-rate-limit']);
    expect(await refusal(meta.send(NUMBER, text(USER)))).toMatchObject({ status: 500, headers: {} });
    expect(await refusal(meta.send(NUMBER, text(USER)))).toMatchObject({
      status: 429,
      headers: { 'retry-after': '7' },
    });
    expect(await refusal(meta.send(NUMBER, text(USER)))).toMatchObject({ body: { error: { code: 131056 } } });
    meta.clearFaults();
    expect(meta.faultRoom()).toBe(10_000);
    expect((await sendNow(meta, text(USER))).outcome).toBe('accepted');
  });
});

describe('pricing analytics', () => {
  it('counts a message on the UTC day of its delivery, at the second', async () => {
    const meta = model({ pricingRate: () => 0.025 });
    const late = await sendNow(meta, template(USER, 'spring_sale'));
    const early = await sendNow(meta, template(USER, 'spring_sale'));
    meta.recordStatus(late, 'delivered', DAY0 + DAY - 1, false);
    meta.recordStatus(early, 'delivered', DAY0 + DAY, true);
    const answer = meta.node(
      '100000000000000',
      `pricing_analytics.start(${DAY0}).end(${DAY0 + 2 * DAY}).granularity(DAILY)`,
    );
    expect(answer).toEqual({
      pricing_analytics: {
        data: [
          {
            data_points: [
              { start: DAY0, end: DAY0 + DAY, volume: 1, cost: 0.025 },
              { start: DAY0 + DAY, end: DAY0 + 2 * DAY, volume: 1, cost: 0.025 },
            ],
          },
        ],
      },
      id: '100000000000000',
    });
    expect(logs).toContainEqual(expect.objectContaining({ message: 'sandbox pricing analytics', points: 2 }));
  });
});

describe('the WhatsApp Business app on a coexistence number', () => {
  it("echoes a message the app sent as Meta's smb_message_echoes, read by the engine as the business's", async () => {
    const meta = model();
    meta.userWrites({ waId: USER }, NUMBER, { type: 'text', text: 'hello' }, 'Ana');
    const { message, payload } = await meta.businessAppSends(NUMBER, { to: USER, type: 'text', text: { body: 'hi' } });
    expect(message).toMatchObject({ insideWindow: true, outcome: 'accepted', waId: USER });
    const { events } = parseWebhook(payload);
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'message-echo',
        origin: expect.objectContaining({ phoneNumberId: NUMBER }),
        user: { waId: USER },
        id: message.id,
        timestamp: T0,
        type: 'text',
      }),
    ]);
  });

  it("keeps Meta's 24-hour rule for the app too, and leaves the Graph API's queued faults alone", async () => {
    const meta = model();
    meta.queueFaults('server-error', 1);
    const { message } = await meta.businessAppSends(NUMBER, { to: USER, type: 'text', text: { body: 'hi' } });
    expect(message).toMatchObject({ insideWindow: false, outcome: 'failed' });
    expect(meta.pendingFaults()).toEqual(['server-error']);
  });
});
