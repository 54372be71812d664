import { createHandler as createHistoryHandler } from '../../functions/get-contact-messages/index.ts';
import { documentClient } from '#clients/dynamodb';
import { DAY, HOUR } from '#domain/time';
import { DynamoDbMessageHistory } from '#store/message-history';
import { TEST_TABLE_NAME, uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import { messageItem } from '#test/webhook';
import { apiEvent, invoke } from '#test/api-event';
import { API_TOKEN, sendRouteForFile, type Json } from '../support/send-route.ts';

/**
 * Read receipts with the typing indicator through POST /messages
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/typing-indicators): Meta gets the read,
 * the user's message shows it in its history, and only Meta's own rules apply (no window check).
 */

const route = sendRouteForFile();

const history = async (phoneNumberId: string, waId: string, now: number): Promise<Json[]> => {
  const handler = createHistoryHandler({
    history: new DynamoDbMessageHistory(documentClient, TEST_TABLE_NAME),
    clock: () => now,
    secrets: async () => ({ apiTokens: [API_TOKEN] }),
    defaultPhoneNumberId: () => phoneNumberId,
  });
  const path = `/contacts/${waId}/messages`;
  const event = apiEvent('GET /contacts/{userId}/messages', {
    path,
    token: API_TOKEN,
    pathParameters: { userId: waId },
  });
  const answer = await invoke(handler, event);
  expect(answer.status).toBe(200);
  return answer.body.messages as Json[];
};

const read = (messageId: string, phoneNumberId: string, typing = true) => ({
  messaging_product: 'whatsapp',
  status: 'read',
  message_id: messageId,
  phoneNumberId,
  ...(typing ? { typing_indicator: { type: 'text' } } : {}),
});

describe('POST /messages with status read', () => {
  it('marks the user message read with the typing indicator: Meta gets it, the history shows it', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const wamid = await route.userWrites(phoneNumberId, waId);
    const now = Math.floor(Date.now() / 1000);
    const answer = await route.post(route.handler({ clock: () => now }), read(wamid, phoneNumberId));
    expect(answer).toMatchObject({ status: 200, body: { success: true, messageId: wamid, typing: true } });
    expect(route.sandbox.reads().filter((item) => item.messageId === wamid)).toEqual([
      expect.objectContaining({
        phoneNumberId,
        typing: true,
        body: { messaging_product: 'whatsapp', status: 'read', message_id: wamid, typing_indicator: { type: 'text' } },
      }),
    ]);
    const [message] = await history(phoneNumberId, waId, now);
    expect(message).toMatchObject({ wamid, direction: 'inbound', status: 'read' });
    expect(await messageItem(wamid)).toMatchObject({ status: 'read', readAt: now, typingAt: now });
  });

  it('needs no open window: 25 h later the read still goes, 30 days is the limit', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const wamid = await route.userWrites(phoneNumberId, waId);
    const [inbound] = await history(phoneNumberId, waId, Math.floor(Date.now() / 1000));
    const sentAt = Math.floor(Date.parse(String(inbound?.timestamp)) / 1000);
    const late = await route.post(
      route.handler({ clock: () => sentAt + 25 * HOUR }),
      read(wamid, phoneNumberId, false),
    );
    expect([late.status, late.body.typing]).toEqual([200, false]);
    const last = await route.post(route.handler({ clock: () => sentAt + 30 * DAY }), read(wamid, phoneNumberId));
    expect(last.status).toBe(200);
    const reads = route.sandbox.reads().length;
    const tooOld = await route.post(route.handler({ clock: () => sentAt + 30 * DAY + 1 }), read(wamid, phoneNumberId));
    expect([tooOld.status, (tooOld.body.error as Json).code]).toEqual([422, 'MESSAGE_TOO_OLD']);
    expect(route.sandbox.reads().length).toBe(reads);
  });

  it("refuses, before Meta, an id that is not a user's message to this number", async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const wamid = await route.userWrites(phoneNumberId, waId);
    const send = route.handler();
    const sent = await route.post(send, { to: `+${waId}`, type: 'text', text: { body: 'Hi' }, phoneNumberId });
    expect(sent.status).toBe(200);
    const reads = route.sandbox.reads().length;
    for (const [messageId, number] of [
      ['wamid.unknown', phoneNumberId],
      [String(sent.body.id), phoneNumberId],
      [wamid, uniquePhoneNumberId()],
    ] as const) {
      const answer = await route.post(send, read(messageId, number));
      expect([answer.status, (answer.body.error as Json).code]).toEqual([422, 'MESSAGE_NOT_FOUND']);
    }
    expect(route.sandbox.reads().length).toBe(reads);
  });
});
