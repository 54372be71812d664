import { ownConversationId } from '#domain/delivery';
import { createHash } from 'node:crypto';
import * as payloads from '../fixtures/payloads.ts';
import { uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import {
  aggregateCells,
  contactItems,
  conversationItems,
  ledgerItem,
  messageItem,
  seedOutboundMessage,
  seedTemplateMessage,
  statusBody,
  statusOf,
  webhookHarness,
  type SeededMessage,
} from '#test/webhook';
import { permutations } from '#commons/testing/permutations';

/** 2026-03-10T12:00:00Z: per-message pricing, before service charges. */
const T = 1_773_144_000;
const DAY_OF_T = '2026-03-10';

describe('status webhooks against DynamoDB Local', () => {
  const harness = webhookHarness({ now: T + 3600 });

  /** The observable outcome of one message: its status, the conversations it left, and the billing cells. */
  const outcome = async (phoneNumberId: string, waId: string, wamid: string) => {
    const message = await messageItem(wamid);
    const conversations = await conversationItems(phoneNumberId, waId);
    return {
      status: message?.status,
      statusAt: message?.state?.statusAt,
      conversations: conversations.map((c) => ({
        id: c.conversationId,
        category: c.category,
        openedAt: c.openedAt,
        expiresAt: c.expiresAt,
      })),
      cells: await aggregateCells(phoneNumberId, [DAY_OF_T]),
    };
  };

  /** The outcome with our own conversation id (a hash of the opening wamid) named `ours`, to compare runs. */
  const namingOurs = (result: Awaited<ReturnType<typeof outcome>>, wamid: string) => ({
    ...result,
    conversations: result.conversations.map((c) => ({ ...c, id: c.id === ownConversationId(wamid) ? 'ours' : c.id })),
  });

  /** A user writes at T - 600 (the window opens), and the business answers free-form. */
  const freeFormReply = async (): Promise<SeededMessage> => {
    const reply = { phoneNumberId: uniquePhoneNumberId(), waId: uniqueWaId(), wamid: payloads.wamid() };
    const hi = payloads.textMessage('hi', { from: reply.waId, timestamp: T - 600 });
    await harness.post(
      payloads.webhookBody(payloads.messagesChange({ phoneNumberId: reply.phoneNumberId, messages: [hi] })),
    );
    await seedOutboundMessage(harness.stores, { ...reply, id: reply.wamid, kind: 'free-form' });
    return reply;
  };

  it('ends in the same state whatever the order of sent, delivered and read, each posted 5 times', async () => {
    const statuses = (wamid: string, waId: string) => [
      payloads.statusUpdate({
        id: wamid,
        status: 'sent',
        timestamp: T,
        recipientId: waId,
        pricing: payloads.pricing('marketing'),
      }),
      payloads.statusUpdate({ id: wamid, status: 'delivered', timestamp: T + 5, recipientId: waId }),
      payloads.statusUpdate({ id: wamid, status: 'read', timestamp: T + 60, recipientId: waId }),
    ];
    const outcomes = [];
    for (const order of permutations([0, 1, 2])) {
      const { phoneNumberId, waId, wamid } = await seedTemplateMessage(harness.stores, 'marketing', {
        waId: '5511987654321',
      });
      const all = statuses(wamid, waId);
      for (let repeat = 0; repeat < 5; repeat++) {
        for (const index of order)
          expect((await harness.post(statusBody(phoneNumberId, [all[index]]))).status).toBe(200);
      }
      const result = await outcome(phoneNumberId, waId, wamid);
      outcomes.push(namingOurs(result, wamid));
    }
    expect(outcomes[0]).toEqual({
      status: 'read',
      statusAt: { sent: T, delivered: T + 5, read: T + 60 },
      conversations: [{ id: 'ours', category: 'marketing', openedAt: T + 5, expiresAt: T + 5 + 86_400 }],
      cells: {
        [`${DAY_OF_T}#message#BR#marketing#PMP#regular`]: 1,
        [`${DAY_OF_T}#conversation#BR#marketing#PMP#regular`]: 1,
      },
    });
    for (const other of outcomes.slice(1)) expect(other).toEqual(outcomes[0]);
  });

  it('counts a read with no delivered as delivered, and keeps Meta pricing carried only by sent', async () => {
    const message = await seedTemplateMessage(harness.stores, 'utility');
    const { phoneNumberId, waId, wamid } = message;
    await harness.post(statusOf(message, 'read', T + 30));
    await harness.post(statusOf(message, 'sent', T, { pricing: payloads.pricing('marketing') }));
    const result = await outcome(phoneNumberId, waId, wamid);
    expect(result.status).toBe('read');
    // Meta's category (marketing) wins over the template's (utility): the unit moved, it was not counted twice.
    // ...and the difference from our own classification is counted for the report to name.
    expect(result.cells).toEqual({
      [`${DAY_OF_T}#message#US#marketing#PMP#regular`]: 1,
      [`${DAY_OF_T}#conversation#US#marketing#PMP#regular`]: 1,
      [`${DAY_OF_T}#difference#US#marketing>utility#PMP#regular>regular`]: 1,
    });
    expect(result.conversations).toEqual([
      { id: ownConversationId(wamid), category: 'marketing', openedAt: T + 30, expiresAt: T + 30 + 86_400 },
    ]);
    expect(await ledgerItem(ownConversationId(wamid))).toMatchObject({
      category: 'marketing',
      openedByHash: createHash('sha256').update(wamid).digest('hex'),
      openedAt: T + 30,
    });
  });

  it('opens exactly one conversation when 20 deliveries that would each open it arrive at once', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const messages = [];
    for (let i = 0; i < 20; i++)
      messages.push(await seedTemplateMessage(harness.stores, 'utility', { phoneNumberId, waId }));
    const wamids = messages.map((m) => m.wamid);
    const results = await Promise.all(messages.map((m) => harness.post(statusOf(m, 'delivered', T))));
    expect(results.map((r) => r.status)).toEqual(wamids.map(() => 200));
    const conversations = await conversationItems(phoneNumberId, waId);
    expect(conversations).toHaveLength(1);
    expect(await aggregateCells(phoneNumberId, [DAY_OF_T])).toEqual({
      [`${DAY_OF_T}#message#US#utility#PMP#regular`]: 20,
      [`${DAY_OF_T}#conversation#US#utility#PMP#regular`]: 1,
    });
    const joined = await Promise.all(wamids.map((id) => messageItem(id)));
    const opener = joined.filter((m) => m?.decision?.opensConversation);
    expect(opener).toHaveLength(1);
    expect(
      new Set(joined.filter((m) => !m?.decision?.opensConversation).map((m) => m?.decision?.joinedConversationId)),
    ).toEqual(new Set([conversations[0]?.conversationId]));
  });

  it('never counts a failed message nor its conversation, and keeps the failure when a late delivered follows', async () => {
    const sent = await seedTemplateMessage(harness.stores, 'marketing');
    const { phoneNumberId, waId, wamid } = sent;
    await harness.post(statusOf(sent, 'failed', T, { errors: [payloads.metaError(131049, 'Not delivered')] }));
    await harness.post(statusOf(sent, 'delivered', T + 1));
    const message = await messageItem(wamid);
    expect(message).toMatchObject({ status: 'failed', state: { errorCodes: [131049] } });
    // one rule for unit and conversation: a message that ends failed opens none (README)
    expect(await aggregateCells(phoneNumberId, [DAY_OF_T])).toEqual({});
    expect(await conversationItems(phoneNumberId, waId)).toEqual([]);
  });

  it('keeps statuses of messages another tool sent on the same number, classified by Meta pricing', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const wamid = payloads.wamid();
    await harness.post(
      statusBody(phoneNumberId, [
        payloads.statusUpdate({
          id: wamid,
          status: 'delivered',
          timestamp: T,
          recipientId: '919876543210',
          pricing: payloads.pricing('authentication'),
        }),
      ]),
    );
    expect(await messageItem(wamid)).toMatchObject({ status: 'delivered', state: { source: 'external' } });
    expect(await aggregateCells(phoneNumberId, [DAY_OF_T])).toEqual({
      [`${DAY_OF_T}#message#IN#authentication#PMP#regular`]: 1,
      [`${DAY_OF_T}#conversation#IN#authentication#PMP#regular`]: 1,
    });
  });

  it('classifies a free-form reply delivered inside the window as a free service message opening a service conversation', async () => {
    const reply = await freeFormReply();
    const { phoneNumberId, waId } = reply;
    await harness.post(statusOf(reply, 'delivered', T));
    expect(await aggregateCells(phoneNumberId, [DAY_OF_T])).toEqual({
      [`${DAY_OF_T}#message#US#service#PMP#free_customer_service`]: 1,
      [`${DAY_OF_T}#conversation#US#service#PMP#regular`]: 1,
    });
    expect(await conversationItems(phoneNumberId, waId)).toMatchObject([
      { category: 'service', origin: 'user_initiated', openedAt: T },
    ]);
  });

  it('closes the window when Meta fails a send with 131047', async () => {
    const reply = await freeFormReply();
    const { phoneNumberId, waId } = reply;
    await harness.post(statusOf(reply, 'failed', T, { errors: [payloads.reEngagementError()] }));
    const window = (await contactItems(phoneNumberId, waId)).find((item) => item.sk === 'WINDOW');
    expect(window).toMatchObject({ lastInboundAt: T - 600, closedAt: T });
  });

  it('uses pricing of conversation-based days before 2025-07-01', async () => {
    const cbp = Date.UTC(2025, 5, 30, 23, 59, 59) / 1000;
    const message = await seedTemplateMessage(harness.stores, 'utility');
    // Delivered at the time: a status older than the message retention would be a replay, never counted.
    await webhookHarness({ now: cbp + 60 }).post(statusOf(message, 'delivered', cbp));
    expect(await aggregateCells(message.phoneNumberId, ['2025-06-30'])).toEqual({
      '2025-06-30#message#US#utility#CBP#regular': 1,
      '2025-06-30#conversation#US#utility#CBP#regular': 1,
    });
  });

  it("ends the same when Meta's statuses arrive before the send API has recorded the message", async () => {
    const run = async (statusesFirst: boolean) => {
      const phoneNumberId = uniquePhoneNumberId();
      const waId = '919876543210';
      const wamid = payloads.wamid();
      const seed = () =>
        seedOutboundMessage(harness.stores, {
          id: wamid,
          phoneNumberId,
          waId,
          kind: 'template',
          templateCategory: 'utility',
        });
      const deliver = () =>
        harness.post(
          statusBody(phoneNumberId, [
            payloads.statusUpdate({ id: wamid, status: 'sent', timestamp: T, recipientId: waId }),
            payloads.statusUpdate({ id: wamid, status: 'delivered', timestamp: T + 3, recipientId: waId }),
          ]),
        );
      if (statusesFirst) {
        await deliver();
        await seed();
      } else {
        await seed();
        await deliver();
      }
      const message = await messageItem(wamid);
      const result = await outcome(phoneNumberId, waId, wamid);
      return {
        source: message?.state?.source,
        category: message?.state?.templateCategory,
        ...namingOurs(result, wamid),
      };
    };
    const apiFirst = await run(false);
    expect(apiFirst).toMatchObject({
      source: 'api',
      category: 'utility',
      cells: {
        [`${DAY_OF_T}#message#IN#utility#PMP#regular`]: 1,
        [`${DAY_OF_T}#conversation#IN#utility#PMP#regular`]: 1,
      },
    });
    expect(await run(true)).toEqual(apiFirst);
  });
});
