import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context, DynamoDBBatchResponse } from 'aws-lambda';
import { createSessionTable, localClient } from '../../bin/local/dynamodb-local.ts';
import { testStreamsClient } from '#test/streams';
import { LocalStreamReader } from '../../bin/local/events/stream-reader.ts';
import { createHandler } from '../../functions/publish-events/index.ts';
import { HttpBus } from '#commons/events/http-bus';
import { LocalTimers } from '#commons/events/local-timers';
import { fireWindowTimer, type PublisherDeps } from '#commons/events/publisher';
import { ingestWebhook } from '#ingestion/ingest-webhook';
import { tableStores, type TableStores } from '#test/stores';
import { parseWebhook } from '#webhook/parse';
import * as payloads from '../fixtures/payloads.ts';
import { expectValidEnvelopes } from '#test/event-schemas';
import { startEventListener, waitUntil, type EventListener, type ReceivedEvent } from '#test/event-listener';
import { testDocumentClient, uniquePhoneNumberId, uniqueWaId } from '#test/environment';

/**
 * The whole delivery path on DynamoDB Local: the real webhook ingestion writes the table, the local
 * stream reader hands the stream to the publish-events handler, and its HTTP bus posts to a
 * listener on 127.0.0.1. Every envelope received is checked against the published schemas.
 */
const API_KEY = 'integration-events-key';
const endpoint = () => process.env.DYNAMODB_ENDPOINT as string;

describe('event delivery from the table stream', () => {
  const table = `events-it-${randomBytes(4).toString('hex')}`;
  let listener: EventListener;
  let reader: LocalStreamReader;
  let timers: LocalTimers;
  let stores: TableStores;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    await createSessionTable(endpoint(), table, { timeToLive: false });
    listener = await startEventListener();
    stores = tableStores(testDocumentClient(), table);
    const deps: PublisherDeps = {
      bus: new HttpBus({ url: listener.url, apiKey: API_KEY, firstBackoffMs: 50, maxBackoffMs: 200 }),
      timers: undefined as unknown as LocalTimers,
      clock: now,
      closingNoticeSeconds: 3600,
    };
    timers = new LocalTimers((timer) => fireWindowTimer(timer, deps));
    deps.timers = timers;
    const handler = createHandler(deps);
    reader = new LocalStreamReader({
      dynamoDb: localClient(endpoint()),
      streams: testStreamsClient(),
      tableName: table,
      checkpointFile: join(tmpdir(), `${table}.checkpoint.json`),
      handler: async (event) => (await handler(event, { awsRequestId: 'it' } as Context)) as DynamoDBBatchResponse,
      log: () => undefined,
      idleMs: 20,
    });
    reader.start();
  });

  afterAll(async () => {
    timers.stop();
    await reader.stop();
    await listener.close();
  });

  afterEach(() => expectValidEnvelopes(listener.events));

  const ingest = (changes: unknown[]) =>
    ingestWebhook(parseWebhook(payloads.webhookBody(changes as payloads.Change[])), {
      stores,
      now: now(),
      retentionDays: 30,
    });
  const of = (phoneNumberId: string, type?: string): ReceivedEvent[] =>
    listener.events.filter(
      (event) => event.detail.phoneNumberId === phoneNumberId && (type === undefined || event['detail-type'] === type),
    );

  it('an inbound message yields one message.received with its content, and the window opens', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const message = payloads.textMessage('Is my order ready?', { from: waId, timestamp: now() });
    const change = payloads.messagesChange({
      phoneNumberId,
      messages: [message],
      contacts: [payloads.contact({ waId })],
    });
    await ingest([change]);
    expect(await waitUntil(() => of(phoneNumberId, 'message.received').length === 1, 5000)).toBe(true);
    const [received] = of(phoneNumberId, 'message.received');
    expect(received?.detail).toMatchObject({
      wamid: message.id,
      type: 'text',
      contact: { waId },
      content: { text: { body: 'Is my order ready?' } },
    });
    expect(await waitUntil(() => of(phoneNumberId, 'window.opened').length === 1, 5000)).toBe(true);
    expect(listener.requests.every((request) => request.headers['x-api-key'] === API_KEY)).toBe(true);

    // Redelivered: stored once, so published once. A later message proves the stream moved past them.
    for (let i = 0; i < 5; i++) await ingest([change]);
    const later = payloads.textMessage('and another', { from: waId, timestamp: now() + 1 });
    await ingest([payloads.messagesChange({ phoneNumberId, messages: [later] })]);
    expect(await waitUntil(() => of(phoneNumberId, 'message.received').length === 2, 5000)).toBe(true);
    expect(of(phoneNumberId, 'message.received').map((event) => event.detail.wamid)).toEqual([message.id, later.id]);
    expect(await waitUntil(() => of(phoneNumberId, 'window.extended').length === 1, 5000)).toBe(true);
    expect(of(phoneNumberId, 'window.opened')).toHaveLength(1);
  });

  it('statuses in any order yield message.status that never moves backwards, and delivery opens a conversation', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const id = payloads.wamid();
    const t = now();
    const status = (name: string, at: number, extra = {}) =>
      payloads.messagesChange({
        phoneNumberId,
        statuses: [payloads.statusUpdate({ id, status: name, timestamp: at, ...extra })],
      });
    await ingest([status('delivered', t + 1, { pricing: payloads.pricing('utility', 'regular') })]);
    await ingest([status('sent', t)]);
    await ingest([status('read', t + 2)]);
    await ingest([status('delivered', t + 1)]);
    expect(await waitUntil(() => of(phoneNumberId, 'message.status').length === 2, 5000)).toBe(true);
    const statuses = of(phoneNumberId, 'message.status').map((event) => [
      event.detail.previousStatus,
      event.detail.status,
    ]);
    expect(statuses).toEqual([
      [null, 'delivered'],
      ['delivered', 'read'],
    ]);
    expect(of(phoneNumberId, 'message.status')[0]?.detail).toMatchObject({
      wamid: id,
      source: 'external',
      pricing: { model: 'PMP', category: 'utility', billable: true },
    });
    expect(await waitUntil(() => of(phoneNumberId, 'conversation.opened').length === 1, 5000)).toBe(true);
    expect(of(phoneNumberId, 'conversation.opened')[0]?.detail).toMatchObject({ openedBy: id, category: 'utility' });
  });

  it('a 131047 failure closes the window; a link, a template change and an account update are published', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const userId = `US.${randomBytes(8).toString('hex')}`;
    const t = now();
    await ingest([
      payloads.messagesChange({
        phoneNumberId,
        messages: [payloads.textMessage('hi', { from: waId, fromUserId: userId, timestamp: t - 10 })],
        contacts: [payloads.contact({ waId, userId })],
      }),
    ]);
    await ingest([
      payloads.messagesChange({
        phoneNumberId,
        statuses: [
          payloads.statusUpdate({
            status: 'failed',
            id: payloads.wamid(),
            recipientId: waId,
            timestamp: t,
            errors: [payloads.reEngagementError()],
          }),
        ],
      }),
    ]);
    expect(await waitUntil(() => of(phoneNumberId, 'window.closed').length === 1, 5000)).toBe(true);
    expect(of(phoneNumberId, 'window.closed')[0]?.detail).toMatchObject({ reason: 'outside-window-error' });
    // Window and message are different items: their events may come in either order.
    expect(await waitUntil(() => of(phoneNumberId, 'message.status').length === 1, 5000)).toBe(true);
    expect(await waitUntil(() => of(phoneNumberId, 'contact.linked').length >= 1, 5000)).toBe(true);
    const failed = of(phoneNumberId, 'message.status')[0]?.detail;
    expect(failed).toMatchObject({ status: 'failed', errors: [{ code: 131047 }] });
    const links = of(phoneNumberId, 'contact.linked');
    expect(links.length).toBeGreaterThanOrEqual(1);
    expect(new Set(links.map((event) => event.detail.eventId)).size).toBe(1);
    expect(links[0]?.detail.contact).toEqual({ waId, userId });

    const name = `tpl_${randomBytes(4).toString('hex')}`;
    await ingest([payloads.templateStatusChange({ name, event: 'REJECTED', reason: 'INVALID_FORMAT' })]);
    await ingest([payloads.volumeTierAccountUpdate()]);
    const templates = () =>
      listener.events.filter((e) => e['detail-type'] === 'template.updated' && e.detail.name === name);
    expect(await waitUntil(() => templates().length === 1, 5000)).toBe(true);
    expect(templates()[0]?.detail).toMatchObject({ status: 'REJECTED', reason: 'INVALID_FORMAT', language: 'en_US' });
    expect(await waitUntil(() => listener.events.some((e) => e['detail-type'] === 'account.updated'), 5000)).toBe(true);
    expect(listener.events.find((e) => e['detail-type'] === 'account.updated')?.detail).toMatchObject({
      event: 'VOLUME_BASED_PRICING_TIER_UPDATE',
    });
  });

  it('an endpoint answering 500 twice, then 200, still receives the event once it answers', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    listener.failNext(500, 500);
    const before = listener.requests.length;
    await ingest([
      payloads.messagesChange({
        phoneNumberId,
        messages: [payloads.textMessage('retry me', { from: uniqueWaId(), timestamp: now() })],
      }),
    ]);
    expect(await waitUntil(() => of(phoneNumberId, 'message.received').length === 1, 10_000)).toBe(true);
    const statuses = listener.requests.slice(before).map((request) => request.status);
    expect(statuses.slice(0, 3)).toEqual([500, 500, 200]);
  });
});
