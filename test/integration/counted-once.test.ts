import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import * as payloads from '../fixtures/payloads.ts';
import { ownConversationId } from '#domain/delivery';
import { TEST_TABLE_NAME, testDocumentClient, uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import { startLocalStack, type Json, type LocalStack } from '#test/local-stack';
import { aggregateCells, contactItems } from '#test/webhook';
import { permutations } from '#commons/testing/permutations';

/**
 * Issue 12's nine sequences, over HTTP on the local stack: each run in every order of its webhooks,
 * one webhook per POST and all of them batched in one POST, must end in the same session state and
 * the same report (to the cent) as every other run, and that outcome is stated explicitly.
 */

const HOUR = 3600;
const DAY = 24 * HOUR;
/** 2026-03-01T12:00:00Z: per-message pricing (the 2026-01-01 card); early in the month, so the report reads few days. */
const T = 1_772_366_400;
/** 2024-12-01T12:00:00Z: conversation pricing (the 2024-11-01 card), statuses with Meta's conversations. */
const C = 1_733_054_400;
const dayOf = (at: number) => new Date(at * 1000).toISOString().slice(0, 10);

/** One run's names: its business number, its user, its message ids by label. */
interface Run {
  pn: string;
  waId: string;
  userId: string;
  id: (label: string) => string;
}

type Step =
  | { kind: 'webhook'; at: number; change: (run: Run) => Json }
  | { kind: 'send'; at: number; label: string; body: (run: Run) => Json; waId?: (run: Run) => string }
  | { kind: 'ttl'; at: number };

interface Sequence {
  name: string;
  /** steps done first, in this order */
  before: Step[];
  /** steps run in every order, one per POST and batched */
  shuffled: Step[];
  /** when the outcome is looked at, and over which days */
  observeAt: number;
  days: string[];
  /** the ids the session is asked by */
  sessionIds: (run: Run) => string[];
}

const statuses = (run: Run, items: Json[]): Json => ({
  ...payloads.messagesChange({ phoneNumberId: run.pn, statuses: items }),
});
const status = (
  label: string,
  name: string,
  at: number,
  extra: Partial<payloads.StatusInput> & { meta?: (run: Run) => Json } = {},
  to?: (run: Run) => string,
): Step => ({
  kind: 'webhook',
  at,
  change: (run: Run) => {
    const { meta, ...fields } = extra;
    return statuses(run, [
      payloads.statusUpdate({
        id: run.id(label),
        status: name,
        timestamp: at,
        recipientId: to?.(run) ?? run.waId,
        ...fields,
        ...(meta ? { conversation: meta(run) } : {}),
      }),
    ]);
  },
});
const inbound = (
  label: string,
  at: number,
  options: { userId?: boolean; referral?: boolean; from?: (run: Run) => string } = {},
): Step => ({
  kind: 'webhook',
  at,
  change: (run: Run) => {
    const from = options.from?.(run) ?? run.waId;
    const sender = { id: run.id(label), from, timestamp: at, ...(options.userId ? { fromUserId: run.userId } : {}) };
    const message = options.referral ? payloads.referralTextMessage(sender) : payloads.textMessage('Hi', sender);
    return {
      ...payloads.messagesChange({
        phoneNumberId: run.pn,
        contacts: [payloads.contact({ waId: from, ...(options.userId ? { userId: run.userId } : {}), name: 'Ana' })],
        messages: [message],
      }),
    };
  },
});
const template = (
  label: string,
  at: number,
  name: string,
  to?: (run: Run) => string,
  waId?: (run: Run) => string,
): Step => ({
  kind: 'send',
  at,
  label,
  body: (run) => ({
    to: `+${to?.(run) ?? run.waId}`,
    phoneNumberId: run.pn,
    type: 'template',
    template: { name, language: { code: 'en_US' } },
  }),
  ...(waId ? { waId } : {}),
});
const text = (label: string, at: number, to?: (run: Run) => string, waId?: (run: Run) => string): Step => ({
  kind: 'send',
  at,
  label,
  body: (run) => ({ to: `+${to?.(run) ?? run.waId}`, phoneNumberId: run.pn, type: 'text', text: { body: 'Thanks!' } }),
  ...(waId ? { waId } : {}),
});
const pricing = (category: string, type = 'regular') => payloads.pricing(category, type);
const cbpPricing = (category: string) => ({ billable: true, pricing_model: 'CBP', category });
/** Meta's conversation ids are unique: each run has its own (named by label in the outcome). */
const metaConversation = (label: string, category: string, expiresAt?: number) => (run: Run) => ({
  id: run.id(label),
  ...(expiresAt === undefined ? {} : { expiration_timestamp: String(expiresAt) }),
  origin: { type: category },
});

/** Mexico: the caller writes +52 1 55..., Meta's wa_id drops the 1. */
const writtenMexican = (run: Run) => `521${run.waId.slice(-10)}`;
const mexicanWaId = (run: Run) => `52${run.waId.slice(-10)}`;

const sequences: Sequence[] = [
  {
    name: '1. identity merge keeps the conversation of the number when the user replies with both ids',
    before: [template('a', T, 'promo')],
    shuffled: [
      status('a', 'delivered', T + 10, { pricing: pricing('marketing') }),
      inbound('in', T + 100, { userId: true }),
      template('b', T + 150, 'promo'),
      status('b', 'delivered', T + 200, { pricing: pricing('marketing') }),
    ],
    observeAt: T + 2 * HOUR,
    days: [dayOf(T)],
    sessionIds: (run) => [run.waId, run.userId],
  },
  {
    name: "2. two statuses naming one of Meta's conversations, batched or not, count one conversation",
    before: [template('a', C - 10, 'promo'), template('b', C - 5, 'promo')],
    shuffled: [
      status('a', 'sent', C, { meta: metaConversation('K1', 'marketing', C + DAY), pricing: cbpPricing('marketing') }),
      status('b', 'sent', C + 1, {
        meta: metaConversation('K1', 'marketing', C + DAY),
        pricing: cbpPricing('marketing'),
      }),
      status('a', 'delivered', C + 5, { meta: metaConversation('K1', 'marketing'), pricing: cbpPricing('marketing') }),
      status('b', 'delivered', C + 6, { meta: metaConversation('K1', 'marketing'), pricing: cbpPricing('marketing') }),
    ],
    observeAt: C + HOUR,
    days: [dayOf(C)],
    sessionIds: (run) => [run.waId],
  },
  {
    name: "3. statuses processed after the conversation item's TTL deletion do not open it again",
    before: [
      template('a', C - 10, 'promo'),
      template('b', C - 5, 'promo'),
      status('a', 'sent', C, { meta: metaConversation('K3', 'marketing', C + DAY), pricing: cbpPricing('marketing') }),
      status('a', 'delivered', C + 5, { meta: metaConversation('K3', 'marketing'), pricing: cbpPricing('marketing') }),
      { kind: 'ttl', at: C + 2 * DAY },
    ],
    shuffled: [
      status('b', 'sent', C + 1, {
        meta: metaConversation('K3', 'marketing', C + DAY),
        pricing: cbpPricing('marketing'),
      }),
      status('b', 'delivered', C + 6, { meta: metaConversation('K3', 'marketing'), pricing: cbpPricing('marketing') }),
    ],
    observeAt: C + 2 * DAY,
    days: [dayOf(C)],
    sessionIds: (run) => [run.waId],
  },
  {
    name: '4. a delivery that beats its send record is decided again when the record says marketing',
    before: [inbound('in', T)],
    shuffled: [template('a', T + 30, 'promo'), status('a', 'delivered', T + 60), status('a', 'read', T + 120)],
    observeAt: T + HOUR,
    days: [dayOf(T)],
    sessionIds: (run) => [run.waId],
  },
  {
    name: '5. a delivery processed after a newer user message is judged at its own time',
    before: [template('a', T + HOUR - 30, 'notice')],
    shuffled: [
      inbound('in1', T),
      status('a', 'delivered', T + HOUR, { pricing: pricing('utility', 'free_customer_service') }),
      inbound('in2', T + 30 * HOUR),
    ],
    observeAt: T + 31 * HOUR,
    days: [dayOf(T), dayOf(T + DAY)],
    sessionIds: (run) => [run.waId],
  },
  {
    name: '6. a free entry point (the referral) opens one 72 h conversation that every reply joins',
    before: [inbound('in', T, { referral: true }), text('a', T + 30), text('b', T + 2 * HOUR)],
    shuffled: [
      status('a', 'delivered', T + 60),
      status('a', 'read', T + 100),
      status('b', 'delivered', T + 2 * HOUR + 60),
    ],
    observeAt: T + 3 * HOUR,
    days: [dayOf(T)],
    sessionIds: (run) => [run.waId],
  },
  {
    name: '7. failed and delivered, in either order: no unit and no conversation',
    before: [template('a', T, 'notice')],
    shuffled: [
      status('a', 'delivered', T + 5, { pricing: pricing('utility') }),
      status('a', 'failed', T + 6, { errors: [payloads.metaError(131026, 'Message undeliverable')] }),
    ],
    observeAt: T + HOUR,
    days: [dayOf(T)],
    sessionIds: (run) => [run.waId],
  },
  {
    name: "9. Meta's wa_id from the send answer finds the window of the number as the caller wrote it",
    before: [
      inbound('in', T, { from: mexicanWaId }),
      template('a', T + 10, 'notice', writtenMexican, mexicanWaId),
      text('b', T + 20, writtenMexican, mexicanWaId),
    ],
    shuffled: [
      status('a', 'delivered', T + 30, { pricing: pricing('utility', 'free_customer_service') }, mexicanWaId),
      status('b', 'delivered', T + 40, { pricing: pricing('service', 'free_customer_service') }, mexicanWaId),
    ],
    observeAt: T + HOUR,
    days: [dayOf(T)],
    sessionIds: (run) => [writtenMexican(run), mexicanWaId(run)],
  },
  {
    name: '3b. after the TTL deleted our own conversation and the window, a late delivery joins and is judged in the window',
    before: [
      inbound('in', T),
      template('a', T + 10, 'notice'),
      template('b', T + 20, 'notice'),
      status('a', 'delivered', T + 30, { pricing: pricing('utility', 'free_customer_service') }),
      { kind: 'ttl', at: T + 3 * DAY },
    ],
    shuffled: [
      status('b', 'delivered', T + 40, { pricing: pricing('utility', 'free_customer_service') }),
      status('b', 'read', T + 100, { pricing: pricing('utility', 'free_customer_service') }),
    ],
    observeAt: T + 3 * DAY,
    days: [dayOf(T)],
    sessionIds: (run) => [run.waId],
  },
  {
    name: '6b. after the TTL deleted the window, a late delivery of the reply to an ad still opens the free entry point',
    before: [inbound('in', T, { referral: true }), text('a', T + 30), { kind: 'ttl', at: T + 3 * DAY }],
    shuffled: [status('a', 'delivered', T + 60), status('a', 'read', T + 100)],
    observeAt: T + 3 * DAY,
    days: [dayOf(T)],
    sessionIds: (run) => [run.waId],
  },
];

/** What a run ends with: the sessions, the report's rows of its number, their total, and the cells. */
const outcomeOf = async (stack: LocalStack, run: Run, sequence: Sequence, labels: Map<string, string>) => {
  stack.now = sequence.observeAt;
  // our own conversation ids are conv.<sha256(opener)>: named by the opener's label
  const own = new Map([...labels].map(([wamid, label]) => [ownConversationId(wamid), label]));
  const name = (value: string) => labels.get(value) ?? own.get(value) ?? value;
  const sessions = [];
  for (const id of sequence.sessionIds(run)) {
    const session = await stack.session(run.pn, id);
    sessions.push({
      window: session.window,
      conversations: (session.conversations as Json[]).map((c) => ({ ...c, id: name(String(c.id)) })),
    });
  }
  const days = sequence.days;
  const report = await stack.report(days[0] ?? '', days[days.length - 1] ?? '');
  const rows = (report.rows as Json[])
    .filter((row) => row.phoneNumberId === run.pn)
    .map(({ phoneNumberId: _pn, ...row }) => row);
  const total = Math.round(rows.reduce((sum, row) => sum + Number(row.cost), 0) * 100) / 100;
  const cells = await aggregateCells(run.pn, days);
  return { sessions, rows, total, cells };
};

/** DynamoDB's TTL, as it would have run by `now`: the run's expired windows and conversations are deleted. */
const sweepExpired = async (run: Run, now: number) => {
  const client = testDocumentClient();
  for (const contactId of [run.waId, run.userId]) {
    for (const item of await contactItems(run.pn, contactId)) {
      if (typeof item.expiresAt === 'number' && item.expiresAt <= now) {
        await client.send(new DeleteCommand({ TableName: TEST_TABLE_NAME, Key: { pk: item.pk, sk: item.sk } }));
      }
    }
  }
};

const play = async (stack: LocalStack, sequence: Sequence, order: Step[], batched: boolean) => {
  const waId = uniqueWaId();
  const ids = new Map<string, string>();
  const labels = new Map<string, string>();
  const run: Run = {
    pn: uniquePhoneNumberId(),
    waId,
    userId: `US.${waId}0`,
    id: (label) => {
      let id = ids.get(label);
      if (!id) {
        id = payloads.wamid();
        ids.set(label, id);
        labels.set(id, label);
      }
      return id;
    },
  };
  const answers: Json[] = [];
  let pending: Json[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const value = (change: Json) => change.value as Json;
    const merged = payloads.messagesChange({
      phoneNumberId: run.pn,
      statuses: pending.flatMap((c) => (value(c).statuses as Json[] | undefined) ?? []),
      messages: pending.flatMap((c) => (value(c).messages as Json[] | undefined) ?? []),
      contacts: pending.flatMap((c) => (value(c).contacts as Json[] | undefined) ?? []),
    });
    pending = [];
    const answer = await stack.postWebhook(payloads.webhookBody(merged));
    expect(answer.status).toBe(200);
  };
  for (const step of [...sequence.before, ...order]) {
    if (step.kind === 'webhook') {
      stack.now = Math.max(stack.now, step.at + 1);
      const change = step.change(run);
      if (batched && sequence.before.indexOf(step) < 0) pending.push(change);
      else {
        const answer = await stack.postWebhook(payloads.webhookBody(change as never));
        expect(answer.status).toBe(200);
      }
      continue;
    }
    await flush();
    stack.now = Math.max(stack.now, step.at);
    if (step.kind === 'ttl') {
      await sweepExpired(run, step.at);
      continue;
    }
    const answer = await stack.send(step.body(run), {
      wamid: run.id(step.label),
      ...(step.waId ? { waId: step.waId(run) } : {}),
    });
    expect(answer.status).toBe(200);
    answers.push(answer.body.billing as Json);
  }
  await flush();
  return { outcome: await outcomeOf(stack, run, sequence, labels), answers };
};

describe('counted once, whatever the order (issue 12), over HTTP on the local stack', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack(T);
    await stack.registerTemplate('promo', 'MARKETING');
    await stack.registerTemplate('notice', 'UTILITY');
  });
  afterAll(async () => {
    await stack.close();
  });

  const results = new Map<string, Awaited<ReturnType<typeof play>>['outcome']>();

  it.each(sequences.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, sequence) => {
      const outcomes = [];
      for (const order of permutations(sequence.shuffled)) {
        // a send's record is the business's own act: only orders that keep the sends in their order
        const sends = order.filter((step) => step.kind === 'send');
        const original = sequence.shuffled.filter((step) => step.kind === 'send');
        if (sends.some((step, i) => step !== original[i])) continue;
        for (const batched of [false, true]) {
          stack.now = 0;
          const { outcome } = await play(stack, sequence, order, batched);
          outcomes.push(outcome);
        }
      }
      const [first, ...rest] = outcomes;
      for (const other of rest) expect(other).toEqual(first);
      results.set(sequence.name, first as NonNullable<typeof first>);
    },
    300_000,
  );

  it('ends each sequence where the issue says it must', () => {
    const at = (n: number) => {
      const outcome = results.get(sequences[n]?.name ?? '');
      if (!outcome) throw new Error(`sequence ${n + 1} did not run`);
      return outcome;
    };
    // 1: one marketing conversation, by either id; two marketing messages
    const one = at(0);
    expect(one.sessions[0]).toEqual(one.sessions[1]);
    expect(one.sessions[0]?.conversations).toEqual([
      expect.objectContaining({ id: 'a', category: 'marketing', openedAt: new Date((T + 10) * 1000).toISOString() }),
    ]);
    expect(one.sessions[0]?.window).toEqual({ open: true, expiresAt: new Date((T + 100 + DAY) * 1000).toISOString() });
    expect(Object.entries(one.cells).filter(([key]) => key.includes('#conversation#'))).toEqual([
      [`${dayOf(T)}#conversation#US#marketing#PMP#regular`, 1],
    ]);
    expect(one.cells[`${dayOf(T)}#message#US#marketing#PMP#regular`]).toBe(2);
    // 2 and 3: Meta's conversation counted once, opened when Meta opened it
    for (const n of [1, 2]) {
      const cells = at(n).cells;
      expect(cells[`${dayOf(C)}#conversation#US#marketing#CBP#regular`]).toBe(1);
      expect(at(n).rows).toHaveLength(1);
      expect(at(n).total).toBeGreaterThan(0);
    }
    expect(at(1).sessions[0]?.conversations).toEqual([
      expect.objectContaining({ id: 'K1', openedAt: new Date(C * 1000).toISOString() }),
    ]);
    // 4: the template's category decides, not the guess made before its record
    expect(at(3).sessions[0]?.conversations).toEqual([
      expect.objectContaining({ id: 'a', category: 'marketing', origin: 'business_initiated' }),
    ]);
    expect(at(3).cells[`${dayOf(T)}#message#US#marketing#PMP#regular`]).toBe(1);
    // 5: inside the window at its own time: Meta and we agree, no classification difference
    expect(Object.keys(at(4).cells).filter((key) => key.includes('#difference#'))).toEqual([]);
    // 6: one free entry point conversation of 72 h, every message free
    const freeEntryPoint = (outcome: ReturnType<typeof at>, messages: number) => {
      expect(outcome.sessions[0]?.conversations).toEqual([
        expect.objectContaining({
          id: 'a',
          origin: 'free_entry_point',
          openedAt: new Date((T + 60) * 1000).toISOString(),
          expiresAt: new Date((T + 60 + 72 * HOUR) * 1000).toISOString(),
        }),
      ]);
      expect(outcome.total).toBe(0);
      expect(outcome.cells[`${dayOf(T)}#message#US#service#PMP#free_entry_point`]).toBe(messages);
    };
    freeEntryPoint(at(5), 2);
    // 7: nothing counted, nothing open
    expect(at(6).sessions[0]?.conversations).toEqual([]);
    expect(Object.values(at(6).cells).filter((units) => units !== 0)).toEqual([]);
    // 9: both forms of the number find the same window and conversation
    expect(at(7).sessions[0]).toEqual(at(7).sessions[1]);
    expect(at(7).sessions[0]?.window).toMatchObject({ open: true });
    // 6b: the referral read back from the history: the same free entry point as 6, its one message free
    freeEntryPoint(at(9), 1);
    // 3b: one utility conversation (the first delivery's), both messages free inside the window as Meta says
    expect(Object.entries(at(8).cells).sort()).toEqual([
      [`${dayOf(T)}#conversation#US#utility#PMP#regular`, 1],
      [`${dayOf(T)}#message#US#utility#PMP#free_customer_service`, 2],
    ]);
  });

  it('1. after the merge, GET /contacts/{userId}/messages shows the messages recorded under either id', async () => {
    const waId = uniqueWaId();
    const run = { pn: uniquePhoneNumberId(), waId, userId: `US.${waId}0` };
    const [sent, received] = [payloads.wamid(), payloads.wamid()];
    stack.now = T;
    const template = {
      to: `+${waId}`,
      phoneNumberId: run.pn,
      type: 'template',
      template: { name: 'promo', language: { code: 'en_US' } },
    };
    expect((await stack.send(template, { wamid: sent })).status).toBe(200);
    const delivered = payloads.messagesChange({
      phoneNumberId: run.pn,
      statuses: [payloads.statusUpdate({ id: sent, status: 'delivered', timestamp: T + 10, recipientId: waId })],
    });
    stack.now = T + 11;
    expect((await stack.postWebhook(payloads.webhookBody(delivered))).status).toBe(200);
    // the user writes with both ids: the number's contact is merged into the user id's
    const both = payloads.messagesChange({
      phoneNumberId: run.pn,
      contacts: [payloads.contact({ waId, userId: run.userId, name: 'Ana' })],
      messages: [payloads.textMessage('hi', { id: received, from: waId, fromUserId: run.userId, timestamp: T + 100 })],
    });
    stack.now = T + 101;
    expect((await stack.postWebhook(payloads.webhookBody(both))).status).toBe(200);
    for (const id of [waId, run.userId]) {
      const history = await stack.history(run.pn, id);
      expect([id, (history.messages as Json[]).map((m) => m.wamid)]).toEqual([id, [received, sent]]);
    }
  });

  it('8. accepts a user message stamped up to 60 s ahead of our clock as sent now, not 61 s', async () => {
    for (const [ahead, expected] of [
      [5, 200],
      [60, 200],
      [61, 422],
    ] as const) {
      const run = { pn: uniquePhoneNumberId(), waId: uniqueWaId() };
      stack.now = T;
      const change = payloads.messagesChange({
        phoneNumberId: run.pn,
        contacts: [payloads.contact({ waId: run.waId, name: 'Ana' })],
        messages: [payloads.textMessage('hi', { from: run.waId, timestamp: T + ahead })],
      });
      expect((await stack.postWebhook(payloads.webhookBody(change))).status).toBe(200);
      const answer = await stack.send(
        { to: `+${run.waId}`, phoneNumberId: run.pn, type: 'text', text: { body: 'Hello!' } },
        { wamid: payloads.wamid() },
      );
      expect([ahead, answer.status]).toEqual([ahead, expected]);
      const session = await stack.session(run.pn, run.waId);
      expect([ahead, (session.window as Json).open]).toEqual([ahead, expected === 200]);
    }
  });

  it("6. says a reply inside a free entry point is free, and 9. a send names the contact of Meta's wa_id", async () => {
    const sequence = sequences[5];
    if (!sequence) throw new Error('no sequence 6');
    const { answers } = await play(stack, sequence, sequence.shuffled, false);
    expect(answers.map((billing) => (billing.estimatedCost as Json).amount)).toEqual([0, 0]);
  });
});
