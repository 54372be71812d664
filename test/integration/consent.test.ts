import { randomInt } from 'node:crypto';
import { MARKETING_LIMIT_SECONDS } from '#domain/platform';
import { uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import { webhookHarness } from '#test/webhook';
import { createHandler as createSessionHandler } from '../../functions/get-session/index.ts';
import * as payloads from '../fixtures/payloads.ts';
import { apiEvent, invoke } from '#test/api-event';
import { API_TOKEN, sendRouteForFile, type Json } from '../support/send-route.ts';

/**
 * Marketing consent: a user's stop (user_preferences) refuses marketing templates before Meta, other
 * categories still go, a resume lifts it; Meta's 131049 holds marketing to that user for 24 hours.
 */
const T = Math.floor(Date.now() / 1000) - 60;
const webhook = webhookHarness({ now: T + 60 });

const route = sendRouteForFile();

const MARKETING = `offers_${randomInt(1e9, 1e10)}`;
const UTILITY = `receipts_${randomInt(1e9, 1e10)}`;

beforeAll(async () => {
  for (const [name, category] of [
    [MARKETING, 'marketing'],
    [UTILITY, 'utility'],
  ] as const) {
    await route.stores.templates.registerTemplate(
      { name, language: 'en_US', category, status: 'APPROVED', components: [{ type: 'BODY', text: 'Hello' }] },
      T,
    );
  }
});

const preference = (phoneNumberId: string, waId: string, value: 'stop' | 'resume', at: number) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: payloads.WABA_ID,
      changes: [
        {
          field: 'user_preferences',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: payloads.DISPLAY_PHONE_NUMBER, phone_number_id: phoneNumberId },
            contacts: [{ wa_id: waId }],
            user_preferences: [
              {
                wa_id: waId,
                detail: `User requested to ${value} marketing messages`,
                category: 'marketing_messages',
                value,
                timestamp: at,
              },
            ],
          },
        },
      ],
    },
  ],
});

const session = async (phoneNumberId: string, waId: string, now: number): Promise<Json> => {
  const handler = createSessionHandler({
    store: route.stores.contacts,
    clock: () => now,
    defaultPhoneNumberId: () => phoneNumberId,
    secrets: async () => ({ apiTokens: [API_TOKEN] }),
  });
  const path = `/contacts/${waId}/session`;
  const event = apiEvent('GET /contacts/{userId}/session', {
    path,
    token: API_TOKEN,
    pathParameters: { userId: waId },
  });
  return (await invoke(handler, event)).body;
};

const template = (phoneNumberId: string, waId: string, name: string) => ({
  to: `+${waId}`,
  type: 'template',
  template: { name, language: { code: 'en_US' } },
  phoneNumberId,
});

describe('marketing consent', () => {
  it('a stop refuses marketing before Meta, utility still goes, a resume lifts it; the session shows it', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const send = route.handler({ clock: () => T + 60 });
    expect((await webhook.post(preference(phoneNumberId, waId, 'stop', T))).status).toBe(200);
    const before = route.sandbox.sent().length;
    const refused = await route.post(send, template(phoneNumberId, waId, MARKETING));
    expect([refused.status, (refused.body.error as Json).code]).toEqual([422, 'MARKETING_OPT_OUT']);
    expect(route.sandbox.sent().length).toBe(before);
    expect((await session(phoneNumberId, waId, T + 60)).consent).toEqual({
      marketing: 'opted-out',
      changedAt: new Date(T * 1000).toISOString(),
      source: 'user_preferences',
      marketingLimitedUntil: null,
    });
    expect((await route.post(send, template(phoneNumberId, waId, UTILITY))).status).toBe(200);
    await webhook.post(preference(phoneNumberId, waId, 'resume', T + 30));
    expect((await route.post(send, template(phoneNumberId, waId, MARKETING))).status).toBe(200);
    expect((await session(phoneNumberId, waId, T + 60)).consent).toMatchObject({ marketing: 'subscribed' });
  });

  it('a 131050 failure opts the user out', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const send = route.handler({ clock: () => T + 60 });
    const sent = await route.post(send, template(phoneNumberId, waId, MARKETING));
    expect(sent.status).toBe(200);
    await route.sandbox.idle();
    const failed = payloads.statusUpdate({
      id: String(sent.body.id),
      status: 'failed',
      timestamp: T + 61,
      recipientId: waId,
      errors: [payloads.metaError(131050, 'Unable to deliver the message', 'User stopped marketing messages')],
    });
    await webhook.post(payloads.webhookBody(payloads.messagesChange({ phoneNumberId, statuses: [failed] })));
    const refused = await route.post(route.handler({ clock: () => T + 62 }), template(phoneNumberId, waId, MARKETING));
    expect([refused.status, (refused.body.error as Json).code]).toEqual([422, 'MARKETING_OPT_OUT']);
  });

  it('a 131049 failure holds marketing to that user for 24 h (Retry-After), to the second', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const sent = await route.post(route.handler({ clock: () => T }), template(phoneNumberId, waId, MARKETING));
    expect(sent.status).toBe(200);
    await route.sandbox.idle();
    const failedAt = T + 5;
    const failed = payloads.statusUpdate({
      id: String(sent.body.id),
      status: 'failed',
      timestamp: failedAt,
      recipientId: waId,
      errors: [payloads.metaError(131049, 'This message was not delivered to maintain healthy ecosystem engagement.')],
    });
    await webhook.post(payloads.webhookBody(payloads.messagesChange({ phoneNumberId, statuses: [failed] })));
    const until = failedAt + MARKETING_LIMIT_SECONDS;
    const held = await route.post(route.handler({ clock: () => until - 1 }), template(phoneNumberId, waId, MARKETING));
    expect([held.status, (held.body.error as Json).code, held.headers['retry-after']]).toEqual([
      429,
      'MARKETING_LIMIT',
      '1',
    ]);
    expect((await session(phoneNumberId, waId, until - 1)).consent).toMatchObject({
      marketing: 'subscribed',
      marketingLimitedUntil: new Date(until * 1000).toISOString(),
    });
    const utility = await route.post(route.handler({ clock: () => until - 1 }), template(phoneNumberId, waId, UTILITY));
    expect(utility.status).toBe(200);
    const again = await route.post(route.handler({ clock: () => until }), template(phoneNumberId, waId, MARKETING));
    expect(again.status).toBe(200);
  });
});
