import { ownConversationId } from '#domain/delivery';
import { CONVERSATION_SECONDS, RETENTION_FLOOR_DAYS, WINDOW_SECONDS } from '#domain/platform';
import { DAY, utcDay } from '#domain/time';
import { AwsServiceError } from '#clients/aws-requests';
import { recordSentMessage } from '#send/record-sent-message';
import { keys } from '#store/keys';
import { memoryStores, type MemoryStores } from '#store/memory/index';
import { parseWebhook } from '#webhook/parse';
import * as payloads from '../../../test/fixtures/payloads.ts';
import { ingestWebhook, StorageFailure, type IngestSummary } from './ingest-webhook';

/**
 * Webhook ingestion against the in-memory stores (held to the DynamoDB adapters by test/contract/):
 * the orchestration alone, fast. The same paths on DynamoDB Local are in test/integration/.
 */
const T = 1_760_000_000;
const PN = '106540352242922';
const WA = '16505551234';

/** A POST's summary with every count at zero: a test spreads it and names the counts it expects. */
const none: IngestSummary = { inbound: 0, statuses: 0, duplicates: 0, templates: 0, kept: 0, echoes: 0, health: 0 };

const ingest = (stores: MemoryStores, body: unknown, now = T, retentionDays = 30) =>
  ingestWebhook(parseWebhook(body), { stores, now, retentionDays });
const messages = (...items: unknown[]) =>
  payloads.webhookBody(payloads.messagesChange({ phoneNumberId: PN, messages: items }));
const statuses = (...items: unknown[]) =>
  payloads.webhookBody(payloads.messagesChange({ phoneNumberId: PN, statuses: items }));

const sendTemplate = async (stores: MemoryStores, id: string, category = 'marketing') => {
  const contact = await stores.contacts.resolveContact(PN, { waId: WA });
  await recordSentMessage(
    stores,
    { id, contact, kind: 'template', templateName: 'offer', templateCategory: category },
    T + 30 * DAY,
  );
};

describe('ingesting a webhook (in-memory stores)', () => {
  it('opens the window for a user message and records the message once, with the retention floor', async () => {
    const stores = memoryStores();
    const text = payloads.textMessage('hello', { from: WA, timestamp: T - 10 });
    expect(await ingest(stores, messages(text), T, 1)).toEqual({ ...none, inbound: 1 });
    expect((await ingest(stores, messages(text))).duplicates).toBe(1);
    const state = await stores.contacts.readContactState(PN, WA);
    expect(state.window).toEqual({ lastInboundAt: T - 10, expiresAt: T - 10 + WINDOW_SECONDS, inboundAt: [T - 10] });
    expect(stores.table.get(keys.message(String(text.id)))?.expiresAt).toBe(T + RETENTION_FLOOR_DAYS * DAY);
  });

  it('opens one conversation at the first delivery of a sent template, and counts its units once', async () => {
    const stores = memoryStores();
    await sendTemplate(stores, 'wamid.t1');
    const delivered = payloads.statusUpdate({ id: 'wamid.t1', status: 'delivered', timestamp: T });
    expect((await ingest(stores, statuses(delivered))).statuses).toBe(1);
    expect((await ingest(stores, statuses(delivered))).duplicates).toBe(1);
    const read = payloads.statusUpdate({ id: 'wamid.t1', status: 'read', timestamp: T + 5 });
    await ingest(stores, statuses(read));
    expect((await stores.contacts.readContactState(PN, WA)).conversations).toEqual([
      {
        id: ownConversationId('wamid.t1'),
        openedBy: 'wamid.t1',
        category: 'marketing',
        origin: 'business_initiated',
        openedAt: T,
        expiresAt: T + CONVERSATION_SECONDS,
      },
    ]);
    const cells = await stores.reports.readCells(utcDay(T), utcDay(T));
    expect(cells.map((cell) => [cell.kind, cell.category, cell.units]).sort()).toEqual([
      ['conversation', 'marketing', 1],
      ['message', 'marketing', 1],
    ]);
  });

  it('joins the open conversation up to 1 second before it expires and opens a new one at its expiry', async () => {
    const stores = memoryStores();
    for (const id of ['wamid.a', 'wamid.b', 'wamid.c']) await sendTemplate(stores, id);
    const deliver = (id: string, at: number) =>
      ingest(stores, statuses(payloads.statusUpdate({ id, status: 'delivered', timestamp: at })));
    await deliver('wamid.a', T);
    await deliver('wamid.b', T + CONVERSATION_SECONDS - 1);
    await deliver('wamid.c', T + CONVERSATION_SECONDS);
    const conversations = (await stores.contacts.readContactState(PN, WA)).conversations;
    expect(conversations.map((c) => c.id)).toEqual([ownConversationId('wamid.c')]);
    expect((await stores.messages.readMessage('wamid.b'))?.decision).toEqual({
      inWindow: false,
      opensConversation: false,
      joinedConversationId: ownConversationId('wamid.a'),
      category: 'marketing',
    });
  });

  it('joins the conversation its send expected with a check, not a read, and reads when the check fails', async () => {
    const stores = memoryStores();
    await sendTemplate(stores, 'wamid.e1');
    await ingest(stores, statuses(payloads.statusUpdate({ id: 'wamid.e1', status: 'delivered', timestamp: T })));
    const contact = await stores.contacts.resolveContact(PN, { waId: WA });
    const seen = await stores.contacts.readContactState(PN, contact.contactId);
    const [open] = seen.conversations;
    if (!open) throw new Error('no conversation');
    const expected = { conversation: open, ...(seen.windowRev !== undefined ? { windowRev: seen.windowRev } : {}) };
    const send = (id: string) =>
      recordSentMessage(
        stores,
        { id, contact, kind: 'template', templateName: 'offer', templateCategory: 'marketing', expected },
        T + 30 * DAY,
      );
    await send('wamid.e2');
    let partitionReads = 0;
    const counting = Object.assign(Object.create(stores.contacts) as typeof stores.contacts, {
      readContactState: (pn: string, id: string) => {
        partitionReads++;
        return stores.contacts.readContactState(pn, id);
      },
    });
    const deliver = (id: string, at: number) =>
      ingestWebhook(parseWebhook(statuses(payloads.statusUpdate({ id, status: 'delivered', timestamp: at }))), {
        stores: { ...stores, contacts: counting },
        now: T,
        retentionDays: 30,
      });
    await deliver('wamid.e2', T + 10);
    expect(partitionReads).toBe(0);
    expect((await stores.messages.readMessage('wamid.e2'))?.decision?.joinedConversationId).toBe(
      ownConversationId('wamid.e1'),
    );
    // the user wrote since the send: the window's revision moved, so the delivery reads the partition
    await ingest(stores, messages(payloads.textMessage('hi', { from: WA, timestamp: T + 5 })));
    await send('wamid.e3');
    await deliver('wamid.e3', T + 20);
    expect(partitionReads).toBeGreaterThan(0);
    expect((await stores.messages.readMessage('wamid.e3'))?.decision).toMatchObject({
      inWindow: true,
      joinedConversationId: ownConversationId('wamid.e1'),
    });
    const cells = await stores.reports.readCells(utcDay(T), utcDay(T));
    expect(cells.filter((cell) => cell.kind === 'conversation').map((cell) => cell.units)).toEqual([1]);
  });

  it('closes the window when Meta fails a send with 131047, and keeps a message another tool sent', async () => {
    const stores = memoryStores();
    await ingest(stores, messages(payloads.textMessage('hi', { from: WA, timestamp: T - 100 })));
    const failed = payloads.statusUpdate({
      id: 'wamid.other',
      status: 'failed',
      timestamp: T,
      errors: [payloads.reEngagementError()],
    });
    expect((await ingest(stores, statuses(failed))).statuses).toBe(1);
    expect((await stores.contacts.readContactState(PN, WA)).window?.closedAt).toBe(T);
    expect((await stores.messages.readMessage('wamid.other'))?.state).toMatchObject({
      source: 'external',
      errorCodes: [131047],
    });
  });

  it('applies template updates and parks what it cannot model, answering for every event', async () => {
    const stores = memoryStores();
    const body = payloads.webhookBody([
      payloads.templateStatusChange({ name: 'order_ready', event: 'APPROVED' }),
      { field: 'something_new', value: { surprise: true } },
    ]);
    expect(await ingest(stores, body)).toMatchObject({ templates: 1, kept: 1 });
    expect((await stores.templates.readTemplate('order_ready', 'en_US'))?.status).toBe('APPROVED');
  });

  it('parks a status naming an inbound message instead of failing the POST', async () => {
    const stores = memoryStores();
    const text = payloads.textMessage('hi', { from: WA, timestamp: T - 100 });
    await ingest(stores, messages(text));
    const status = payloads.statusUpdate({ id: String(text.id), status: 'delivered', timestamp: T });
    expect(await ingest(stores, statuses(status))).toMatchObject({ statuses: 0, kept: 1 });
  });

  it('fails the POST with StorageFailure when storage fails, after trying every event', async () => {
    const stores = memoryStores();
    const unavailable = Object.assign(new Error('unavailable'), { name: 'InternalServerError', $metadata: {} });
    const failing = {
      ...stores,
      messages: Object.assign(Object.create(stores.messages) as typeof stores.messages, {
        recordInbound: async () => {
          throw unavailable;
        },
      }),
    };
    const body = messages(
      payloads.textMessage('one', { from: WA, timestamp: T - 2 }),
      payloads.textMessage('two', { from: '16505550000', timestamp: T - 1 }),
    );
    const error = await ingestWebhook(parseWebhook(body), { stores: failing, now: T, retentionDays: 30 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StorageFailure);
    expect((error as StorageFailure).causes).toEqual([unavailable, unavailable]);
    // Both windows moved before the message write failed: Meta's redelivery completes the work.
    expect((await stores.contacts.readContactState(PN, '16505550000')).window?.lastInboundAt).toBe(T - 1);
  });

  it('fails the POST when a service is out inside one event, and parks the event a refusal stops', async () => {
    const withLedgerFailing = (error: Error) => {
      const stores = memoryStores();
      const messages = Object.assign(Object.create(stores.messages) as typeof stores.messages, {
        recordInbound: async () => {
          throw error;
        },
      });
      return { stores: { ...stores, messages }, parkedItems: () => stores.table.query(`WEBHOOK#${utcDay(T)}`) };
    };
    const body = messages(payloads.textMessage('hi', { from: WA, timestamp: T - 1 }));
    // Throttled: Meta's redelivery may pass, so the POST fails and nothing is parked.
    const slowDown = new AwsServiceError('SlowDown', 'Please reduce your request rate.', 503, 's3');
    const out = withLedgerFailing(slowDown);
    const error = await ingestWebhook(parseWebhook(body), { stores: out.stores, now: T, retentionDays: 30 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StorageFailure);
    expect((error as StorageFailure).causes).toEqual([slowDown]);
    expect(out.parkedItems()).toEqual([]);
    // Refused for good (no retry passes): the event is parked and the POST answers.
    const refused = withLedgerFailing(new AwsServiceError('AccessDenied', 'Access Denied', 403, 's3'));
    expect(await ingestWebhook(parseWebhook(body), { stores: refused.stores, now: T, retentionDays: 30 })).toEqual({
      ...none,
      kept: 1,
    });
    expect(refused.parkedItems()).toEqual([expect.objectContaining({ reason: 'processing failed: Access Denied' })]);
  });

  it('records a user message under the contact a merge moved its window into while it was written', async () => {
    const stores = memoryStores();
    const userId = `US.${WA}`;
    // The number's contact and the user id's, each with a window (the user id's the later one).
    await stores.contacts.extendWindow(await stores.contacts.resolveContact(PN, { waId: WA }), T - 100);
    await stores.contacts.extendWindow(await stores.contacts.resolveContact(PN, { userId }), T - 50);
    // Between the message's resolve (the number's contact) and its window write, both ids meet.
    const contacts = Object.assign(Object.create(stores.contacts) as typeof stores.contacts, {
      recordInboundAt: async (...args: Parameters<typeof stores.contacts.recordInboundAt>) => {
        await stores.contacts.resolveContact(PN, { waId: WA, userId });
        return stores.contacts.recordInboundAt(...args);
      },
    });
    const text = payloads.textMessage('during the merge', { from: WA, timestamp: T });
    expect(
      await ingestWebhook(parseWebhook(messages(text)), { stores: { ...stores, contacts }, now: T, retentionDays: 30 }),
    ).toEqual({ ...none, inbound: 1 });
    expect((await stores.contacts.readContactState(PN, userId)).window?.lastInboundAt).toBe(T);
    const userMessagesAtT = async (contactId: string) =>
      (await stores.messages.readHistory({ phoneNumberId: PN, contactId }, { window: { from: T, to: T } })).windowFacts;
    expect(await userMessagesAtT(userId)).toEqual([{ kind: 'inbound', at: T }]);
    expect(await userMessagesAtT(WA)).toEqual([]);
  });

  describe("a delivery processed after DynamoDB's TTL deleted the window", () => {
    /** The delivery's decision and conversation, processed at once or 3 days late after the window item went. */
    const deliveredLate = async (setUp: (stores: MemoryStores) => Promise<void>, id: string, late: boolean) => {
      const stores = memoryStores();
      await setUp(stores);
      if (late) stores.table.delete(keys.window(PN, WA));
      const delivered = payloads.statusUpdate({ id, status: 'delivered', timestamp: T - 40 });
      await ingest(stores, statuses(delivered), late ? T + 3 * DAY : T - 39);
      const stored = await stores.messages.readMessage(id);
      return { decision: stored?.decision, conversation: stored?.appliedEffects.conversation };
    };
    const send = async (stores: MemoryStores, message: Partial<Parameters<typeof recordSentMessage>[1]>) => {
      const contact = await stores.contacts.resolveContact(PN, { waId: WA });
      await recordSentMessage(
        stores,
        { id: 'wamid.reply', contact, kind: 'free-form', sentAt: T - 50, ...message },
        T + 30 * DAY,
      );
    };

    it("opens the free entry point of a reply to the user's message from an ad, as it would have at once", async () => {
      const setUp = async (stores: MemoryStores) => {
        await ingest(stores, messages(payloads.referralTextMessage({ from: WA, timestamp: T - 100 })), T - 99);
        await send(stores, {});
      };
      const late = await deliveredLate(setUp, 'wamid.reply', true);
      expect(late.conversation).toMatchObject({ origin: 'free_entry_point', openedAt: T - 40 });
      expect(late).toEqual(await deliveredLate(setUp, 'wamid.reply', false));
    });

    it('keeps the window Meta closed with 131047 closed for a utility template, as it would have at once', async () => {
      const setUp = async (stores: MemoryStores) => {
        await ingest(stores, messages(payloads.textMessage('hi', { from: WA, timestamp: T - 100 })), T - 99);
        const refused = payloads.statusUpdate({
          id: 'wamid.refused',
          status: 'failed',
          timestamp: T - 60,
          errors: [payloads.reEngagementError()],
        });
        await ingest(stores, statuses(refused), T - 59);
        await send(stores, { kind: 'template', templateName: 'notice', templateCategory: 'utility' });
      };
      const late = await deliveredLate(setUp, 'wamid.reply', true);
      expect(late.decision).toMatchObject({ inWindow: false, opensConversation: true });
      expect(late).toEqual(await deliveredLate(setUp, 'wamid.reply', false));
    });
  });
});
