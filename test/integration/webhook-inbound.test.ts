import { readFileSync } from 'node:fs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as payloads from '../fixtures/payloads.ts';
import { DAY } from '#domain/time';
import { keys } from '#store/keys';
import { TEST_TABLE_NAME, testDocumentClient, uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import { contactItems, messageItem, webhookHarness } from '#test/webhook';

const T = 1_773_144_000;
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/meta/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const db = testDocumentClient();
const getItem = async (key: { pk: string; sk: string }) =>
  (await db.send(new GetCommand({ TableName: TEST_TABLE_NAME, Key: key }))).Item;
const inbound = (phoneNumberId: string, messages: unknown[], contacts?: unknown[]) =>
  payloads.webhookBody(payloads.messagesChange({ phoneNumberId, messages, ...(contacts ? { contacts } : {}) }));

describe('inbound webhooks against DynamoDB Local', () => {
  const harness = webhookHarness({ now: T });

  it('stores the inbound BSUID fixture under one contact linked by wa_id and user id', async () => {
    const body = fixture('whatsapp-api-js__v25_incoming_text_bsuid.json');
    expect((await harness.post(body)).status).toBe(200);
    const window = await getItem(keys.window('123456123', 'US.13491208655302741918'));
    expect(window).toMatchObject({ lastInboundAt: 1504902988, expiresAt: 1504902988 + DAY });
    for (const id of ['16315551181', 'US.13491208655302741918']) {
      expect(await getItem(keys.userAlias('123456123', id))).toMatchObject({
        contactId: 'US.13491208655302741918',
        waId: '16315551181',
        userId: 'US.13491208655302741918',
      });
    }
    expect(await messageItem('ABGGFlA5Fpa')).toMatchObject({
      direction: 'inbound',
      type: 'text',
      timestamp: 1504902988,
    });
  });

  it('stores an unsupported message (131051) as a message that opens the window', async () => {
    expect((await harness.post(fixture('pywa__message__unsupported_131051.json'))).status).toBe(200);
    expect(await messageItem('wamid.xyzxyz')).toMatchObject({ direction: 'inbound', type: 'unsupported' });
    expect(await getItem(keys.window('1122334455667', 'US.13491208655302741918'))).toMatchObject({
      lastInboundAt: 1697044706,
    });
  });

  it('applies the template status and category fixtures to the stored template', async () => {
    await harness.post(fixture('pywa__template_status_update__rejected.json'));
    await harness.post(fixture('pywa__template_category_update__marketing.json'));
    expect(await getItem(keys.template('abandoned_cart', 'en'))).toMatchObject({
      status: 'REJECTED',
      statusReason: 'INVALID_FORMAT',
      category: 'marketing',
      templateId: '1689556908129835',
    });
    expect(await getItem(keys.template('my_message_template', 'he'))).toMatchObject({ category: 'marketing' });
  });

  it('ignores a template status older than the one stored', async () => {
    const name = `order_update_${uniqueWaId()}`;
    await harness.post(payloads.webhookBody(payloads.templateStatusChange({ name, event: 'APPROVED' }), { time: T }));
    await harness.post(
      payloads.webhookBody(payloads.templateStatusChange({ name, event: 'PENDING' }), { time: T - 60 }),
    );
    expect(await getItem(keys.template(name, 'en_US'))).toMatchObject({ status: 'APPROVED', statusUpdatedAt: T });
  });

  it('stores every message type of a batch of several entries and changes, parking the one malformed item', async () => {
    const a = uniquePhoneNumberId();
    const b = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const options = { from: waId, timestamp: T };
    const typed = [
      payloads.textMessage('hello', options),
      payloads.imageMessage(options),
      payloads.audioMessage(options),
      payloads.videoMessage(options),
      payloads.documentMessage(options),
      payloads.stickerMessage(options),
      payloads.locationMessage(options),
      payloads.contactsMessage(options),
      payloads.buttonReplyMessage(undefined, options),
      payloads.listReplyMessage(undefined, options),
      payloads.flowReplyMessage(undefined, options),
      payloads.templateButtonMessage(undefined, options),
      payloads.reactionMessage(undefined, undefined, options),
      payloads.orderMessage(options),
      payloads.requestWelcomeMessage(options),
      payloads.referralTextMessage(options),
      payloads.unsupportedMessage(options),
      payloads.inboundMessage({ type: 'hologram', from: waId, timestamp: T, extra: { hologram: { id: 'h1' } } }),
    ];
    const malformed: payloads.Json = { ...payloads.textMessage('bad', options), timestamp: 'yesterday' };
    const body = payloads.webhookBodyEntries([
      payloads.entry([
        payloads.messagesChange({ phoneNumberId: a, messages: typed.slice(0, 9) }),
        payloads.messagesChange({ phoneNumberId: a, messages: [malformed, ...typed.slice(9, 12)] }),
      ]),
      payloads.entry([payloads.messagesChange({ phoneNumberId: b, messages: typed.slice(12) })], { wabaId: '9988' }),
    ]);
    const response = await harness.post(body);
    expect(response).toMatchObject({ status: 200, body: { inbound: typed.length, kept: 1 } });
    const stored = await Promise.all(typed.map(async (message) => (await messageItem(String(message.id)))?.type));
    expect(stored).toEqual(typed.map((message) => message.type));
    expect(await messageItem(String(malformed.id))).toBeUndefined();
    for (const phoneNumberId of [a, b]) {
      expect(await getItem(keys.window(phoneNumberId, waId))).toMatchObject({ lastInboundAt: T, expiresAt: T + DAY });
    }
  });

  it('extends the window to the newest message and never back for a late older one; records each id once', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const newer = payloads.textMessage('newer', { from: waId, timestamp: T });
    const older = payloads.textMessage('older', { from: waId, timestamp: T - 3600 });
    await harness.post(inbound(phoneNumberId, [newer]));
    await harness.post(inbound(phoneNumberId, [older]));
    for (let i = 0; i < 4; i++)
      expect((await harness.post(inbound(phoneNumberId, [newer]))).body).toMatchObject({ duplicates: 1 });
    expect(await getItem(keys.window(phoneNumberId, waId))).toMatchObject({ lastInboundAt: T, expiresAt: T + DAY });
    expect(await messageItem(String(older.id))).toMatchObject({ timestamp: T - 3600 });
  });

  it('keeps one window for a user first seen by wa_id, then by both ids, then by user id only', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const userId = `BR.${waId}77`;
    await harness.post(inbound(phoneNumberId, [payloads.textMessage('1', { from: waId, timestamp: T - 200 })]));
    await harness.post(
      inbound(
        phoneNumberId,
        [payloads.textMessage('2', { from: waId, fromUserId: userId, timestamp: T - 100 })],
        [payloads.contact({ waId, userId })],
      ),
    );
    await harness.post(
      inbound(
        phoneNumberId,
        [payloads.textMessage('3', { from: null, fromUserId: userId, timestamp: T })],
        [payloads.contact({ userId })],
      ),
    );
    const items = await contactItems(phoneNumberId, waId);
    expect(items.filter((item) => item.sk === 'WINDOW')).toMatchObject([{ lastInboundAt: T, expiresAt: T + DAY }]);
    // the user id's own contact holds no window, only the marker that it was merged into the wa_id's
    expect((await contactItems(phoneNumberId, userId)).map((item) => [item.sk, item.mergedInto])).toEqual([
      ['MERGED', waId],
    ]);
  });

  it('follows a user who changed number: the new wa_id finds the same window', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const newWaId = uniqueWaId();
    await harness.post(
      inbound(phoneNumberId, [payloads.customerChangedNumberMessage(newWaId, { from: waId, timestamp: T - 100 })]),
    );
    await harness.post(
      inbound(phoneNumberId, [payloads.textMessage('from the new phone', { from: newWaId, timestamp: T })]),
    );
    expect(await getItem(keys.window(phoneNumberId, waId))).toMatchObject({ lastInboundAt: T });
    expect(await getItem(keys.window(phoneNumberId, newWaId))).toBeUndefined();
  });

  it('parks value-level errors and account updates with a retention TTL', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const body = payloads.webhookBody([
      payloads.messagesChange({ phoneNumberId, errors: [payloads.metaError(131000, 'Something went wrong')] }),
      payloads.volumeTierAccountUpdate(),
    ]);
    expect(await harness.post(body)).toMatchObject({ status: 200, body: { kept: 2 } });
  });

  it('answers 200 to valid JSON of an unknown shape and parks it raw', async () => {
    expect(await harness.post({ hello: 'world' })).toMatchObject({ status: 200, body: { received: 1, kept: 1 } });
  });
});

describe('a signed webhook too large for one item when counted in bytes', () => {
  const harness = webhookHarness({ now: T });

  it('answers 200 for a ~600 KB text of 3-byte characters, and keeps the message with a raw copy cut by bytes', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const text = '€'.repeat(200_000);
    const body = inbound(phoneNumberId, [payloads.textMessage(text, { from: waId, timestamp: T - 60 })]);
    expect(Buffer.byteLength(JSON.stringify(body), 'utf8')).toBeGreaterThan(600_000);
    const answer = await harness.post(body);
    expect(answer).toMatchObject({ status: 200, body: { inbound: 1, kept: 0 } });
    const window = (await contactItems(phoneNumberId, waId)).find((item) => item.sk === 'WINDOW');
    expect(window).toMatchObject({ lastInboundAt: T - 60 });
    const id = (body.entry as { changes: { value: { messages: { id: string }[] } }[] }[])[0]?.changes[0]?.value
      .messages[0]?.id as string;
    const stored = await messageItem(id);
    expect(stored).toMatchObject({ direction: 'inbound', type: 'text' });
    expect(Buffer.byteLength(String(stored?.raw), 'utf8')).toBeLessThanOrEqual(300_000);
  });
});
