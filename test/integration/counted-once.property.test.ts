import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import * as payloads from '../fixtures/payloads.ts';
import { activeRateCard } from '#pricing/active-rate-card';
import { computeCostReport, type CostCell } from '#pricing/cost-report';
import { buildCostReport } from '#report/cost-report-service';
import { recordSentMessage } from '#send/record-sent-message';
import { contactPk, keys } from '#store/keys';
import { TEST_TABLE_NAME, testDocumentClient, uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import { tableStores } from '#test/stores';
import { aggregateCells, webhookHarness } from '#test/webhook';

/**
 * Issue 12, acceptance 2: sends, user messages (some naming the user by both ids), statuses with
 * Meta's pricing, delivered shuffled, batched, duplicated and processed days after their items expired
 * (DynamoDB's TTL is played by `expire` below: it deletes this run's items whose `expiresAt` has
 * passed, as DynamoDB does), end in the report a simple reference model computes from the same facts.
 * The model knows nothing of the engine's items: a user is one contact, a delivery opens a
 * conversation unless one covering it is open at its own time (a template: one of its category; a
 * service reply: any), taken in the order the deliveries happened. A status that reaches us more than
 * the retention after its timestamp is a replay (Meta retries for 7 days,
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications): it
 * counts nothing.
 */

/** bounded so the property runs in well under a minute on a loaded 2-core machine; fixed seed: reproducible */
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 8);
const HOUR = 3600;
const DAY = 24 * HOUR;
/** 2026-04-01T00:00:00Z: per-message pricing, free service and in-window utility; a month no other test uses. */
const T0 = 1_775_001_600;
const DAYS = ['2026-04-01', '2026-04-02', '2026-04-03'];
/** The harness's MESSAGE_RETENTION_DAYS (test/support/webhook.ts). */
const RETENTION_DAYS = 30;
/**
 * How late a backlog comes: past every conversation (24 h, 72 h for an entry point) and window item;
 * past the message records, the aliases and the merge markers (the retention); past the
 * counted-units records too (the retention + 37 days).
 */
const LATENESS = [4 * DAY, (RETENTION_DAYS + 2) * DAY, (RETENTION_DAYS + 38) * DAY];

type Category = 'marketing' | 'utility' | 'service';
interface MessageFact {
  label: string;
  category: Category;
  /** when it reached the user; undefined: never delivered */
  deliveredAt?: number;
  read: boolean;
  failed: boolean;
}
interface Facts {
  inbound: { at: number; bothIds: boolean }[];
  messages: MessageFact[];
}

const inWindowAt = (facts: Facts, at: number): boolean => facts.inbound.some((m) => m.at <= at && at < m.at + DAY);
const metaTypeOf = (facts: Facts, m: MessageFact, at: number): string =>
  m.category !== 'marketing' && inWindowAt(facts, at) ? 'free_customer_service' : 'regular';

/** The statuses that reached the engine before they were replays: `<label><d|r|f>` → timestamp. */
type InTime = ReadonlyMap<string, number>;

/**
 * The reference: message units as Meta priced them, conversations by the rule, in the order of
 * delivery. A message counts as delivered at its earliest delivered or read status that reached us
 * in time (a read implies the delivery), and not at all if its failure reached us.
 */
const model = (facts: Facts, pn: string, inTime: InTime): CostCell[] => {
  const cells = new Map<string, CostCell>();
  const count = (cell: Omit<CostCell, 'units'>) => {
    const key = JSON.stringify(cell);
    const found = cells.get(key);
    if (found) found.units += 1;
    else cells.set(key, { ...cell, units: 1 });
  };
  const day = (at: number) => new Date(at * 1000).toISOString().slice(0, 10);
  const delivered = facts.messages
    .flatMap((m) => {
      const seen = [inTime.get(`${m.label}d`), inTime.get(`${m.label}r`)].filter((t) => t !== undefined);
      if (m.deliveredAt === undefined || seen.length === 0 || inTime.has(`${m.label}f`)) return [];
      return [{ ...m, deliveredAt: m.deliveredAt, at: Math.min(...seen) }];
    })
    .sort((a, b) => a.at - b.at || (a.label < b.label ? -1 : 1));
  const open: { category: Category; openedAt: number }[] = [];
  for (const m of delivered) {
    const at = m.at;
    const base = { phoneNumberId: pn, country: 'US', pricingModel: 'PMP' };
    const type = metaTypeOf(facts, m, m.deliveredAt);
    count({ ...base, day: day(at), kind: 'message', category: m.category, pricingType: type });
    const live = open.filter((c) => c.openedAt <= at && at < c.openedAt + DAY);
    const covered = m.category === 'service' ? live.length > 0 : live.some((c) => c.category === m.category);
    if (covered) continue;
    open.push({ category: m.category, openedAt: at });
    count({ ...base, day: day(at), kind: 'conversation', category: m.category, pricingType: 'regular' });
  }
  return [...cells.values()];
};

const facts: fc.Arbitrary<Facts> = fc
  .record({
    inbound: fc.array(fc.record({ at: fc.integer({ min: 0, max: 40 * HOUR }), bothIds: fc.boolean() }), {
      minLength: 1,
      maxLength: 3,
    }),
    messages: fc.array(
      fc.record({
        category: fc.constantFrom<Category>('marketing', 'utility', 'service'),
        delay: fc.option(fc.integer({ min: 0, max: 30 * HOUR }), { nil: undefined }),
        read: fc.boolean(),
        failed: fc.boolean(),
        after: fc.nat(2),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ inbound, messages }) => {
    const users = inbound.map((m) => ({ at: T0 + m.at, bothIds: m.bothIds }));
    return {
      inbound: users,
      messages: messages.map((m, i) => {
        // a service reply is sent inside a window: right after one of the user's messages
        const anchor = users[m.after % users.length]?.at ?? T0;
        const at =
          m.delay === undefined
            ? undefined
            : m.category === 'service'
              ? anchor + (m.delay % (20 * HOUR))
              : T0 + m.delay;
        return {
          label: `m${i}`,
          category: m.category,
          ...(at === undefined ? {} : { deliveredAt: at }),
          read: m.read,
          failed: m.failed && i % 2 === 0,
        };
      }),
    };
  });

/** How the facts reach the engine: an order, batches, repeats, and a clock jump past the items' TTL. */
const delivery = fc.record({
  order: fc.array(fc.nat(), { minLength: 24, maxLength: 24 }),
  cuts: fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
  repeats: fc.array(fc.nat(23), { maxLength: 4 }),
  late: fc.option(fc.record({ from: fc.nat(23), by: fc.constantFrom(...LATENESS) }), { nil: undefined }),
});

type Item =
  | { kind: 'send'; label: string }
  | { kind: 'webhook'; change: () => payloads.Change; key: string; at: number; status: boolean };

/**
 * DynamoDB's TTL for this run's items: deletes every item under the given keys whose `expiresAt`
 * has passed at `now` (DynamoDB deletes them some time after; the engine must not need them then).
 */
const expire = async (pks: readonly string[], now: number): Promise<void> => {
  const client = testDocumentClient();
  for (const pk of pks) {
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: TEST_TABLE_NAME,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      }),
    );
    for (const item of Items) {
      if (typeof item.expiresAt !== 'number' || item.expiresAt > now) continue;
      await client.send(new DeleteCommand({ TableName: TEST_TABLE_NAME, Key: { pk: item.pk, sk: item.sk } }));
    }
  }
};

describe('counted once, whatever the order: property (issue 12, acceptance 2)', () => {
  const clock = { now: T0 };
  const harness = webhookHarness(clock);
  const reports = tableStores().reports;

  it('ends in the report the reference model computes, seeded and bounded', async () => {
    await fc.assert(
      fc.asyncProperty(facts, delivery, async (f, how) => {
        const pn = uniquePhoneNumberId();
        const waId = uniqueWaId();
        const userId = `US.${waId}7`;
        const wamids = new Map(f.messages.map((m) => [m.label, payloads.wamid()]));
        const categoryOf = (c: Category) => (c === 'service' ? undefined : c);
        const items: Item[] = [];
        f.inbound.forEach((m, i) => {
          const change = () =>
            payloads.messagesChange({
              phoneNumberId: pn,
              contacts: [payloads.contact({ waId, ...(m.bothIds ? { userId } : {}), name: 'Ana' })],
              messages: [
                payloads.textMessage('hi', {
                  id: `wamid.in.${pn}.${i}`,
                  from: waId,
                  timestamp: m.at,
                  ...(m.bothIds ? { fromUserId: userId } : {}),
                }),
              ],
            });
          items.push({ kind: 'webhook', change, key: `in${i}`, at: m.at, status: false });
        });
        for (const m of f.messages) {
          const id = wamids.get(m.label) ?? '';
          items.push({ kind: 'send', label: m.label });
          const status =
            (name: string, at: number, extra: Partial<payloads.StatusInput> = {}) =>
            () =>
              payloads.messagesChange({
                phoneNumberId: pn,
                statuses: [payloads.statusUpdate({ id, status: name, timestamp: at, recipientId: waId, ...extra })],
              });
          if (m.deliveredAt !== undefined) {
            const priced = { pricing: payloads.pricing(m.category, metaTypeOf(f, m, m.deliveredAt)) };
            const at = m.deliveredAt;
            items.push({
              kind: 'webhook',
              change: status('delivered', at, priced),
              key: `${m.label}d`,
              at,
              status: true,
            });
            if (m.read)
              items.push({
                kind: 'webhook',
                change: status('read', at + 60, priced),
                key: `${m.label}r`,
                at: at + 60,
                status: true,
              });
          }
          if (m.failed) {
            const at = (m.deliveredAt ?? T0) + 1;
            const failed = status('failed', at, { errors: [payloads.metaError(131026, 'Message undeliverable')] });
            items.push({ kind: 'webhook', change: failed, key: `${m.label}f`, at, status: true });
          }
        }
        // shuffled by the generated keys, some repeated (Meta redelivers)
        const order = items
          .map((item, i) => ({ item, rank: how.order[i % how.order.length] ?? 0, i }))
          .sort((a, b) => a.rank - b.rank || a.i - b.i)
          .map(({ item }) => item);
        for (const r of how.repeats) {
          const again = order[r % order.length];
          if (again?.kind === 'webhook') order.push(again);
        }
        const last = Math.max(...f.inbound.map((m) => m.at), ...f.messages.map((m) => (m.deliveredAt ?? T0) + 61));
        clock.now = last + 1;
        const runKeys = [
          ...[waId, userId].flatMap((id) => [contactPk(pn, id), keys.userAlias(pn, id).pk]),
          ...f.inbound.map((_, i) => keys.message(`wamid.in.${pn}.${i}`).pk),
          ...[...wamids.values()].flatMap((id) => [keys.message(id).pk, keys.countedUnits(id).pk]),
        ];
        const inTime = new Map<string, number>();
        let batch: payloads.Change[] = [];
        const flush = async () => {
          if (batch.length === 0) return;
          const value = (change: payloads.Change) => change.value as Record<string, unknown[] | undefined>;
          const merged = payloads.messagesChange({
            phoneNumberId: pn,
            statuses: batch.flatMap((c) => value(c).statuses ?? []),
            messages: batch.flatMap((c) => value(c).messages ?? []),
            contacts: batch.flatMap((c) => value(c).contacts ?? []),
          });
          batch = [];
          const answer = await harness.post(payloads.webhookBody(merged));
          if (answer.status !== 200)
            throw new Error(`webhook answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        };
        for (const [i, item] of order.entries()) {
          if (how.late !== undefined && i === how.late.from) {
            await flush();
            // processed later (a backlog, Meta retrying, a replay): DynamoDB has deleted what expired by
            // then; each delivery must still be judged at its own time, and counted once
            clock.now = last + how.late.by;
            await expire(runKeys, clock.now);
          }
          if (item.kind === 'send') {
            await flush();
            const m = f.messages.find((message) => message.label === item.label);
            const contact = await harness.stores.contacts.resolveContact(pn, { waId });
            const category = m ? categoryOf(m.category) : undefined;
            await recordSentMessage(
              harness.stores,
              {
                id: wamids.get(item.label) ?? '',
                contact,
                kind: category ? 'template' : 'free-form',
                ...(category ? { templateName: `t_${category}`, templateCategory: category } : {}),
              },
              clock.now + 30 * DAY,
            );
            continue;
          }
          batch.push(item.change());
          // a status older than the retention when it comes is a replay: parked, never counted
          if (item.status && item.at > clock.now - RETENTION_DAYS * DAY && !inTime.has(item.key))
            inTime.set(item.key, item.at);
          if (how.cuts[i % how.cuts.length]) await flush();
        }
        await flush();

        const expected = model(f, pn, inTime);
        const cells = await aggregateCells(pn, DAYS);
        const held = Object.entries(cells)
          .filter(([, units]) => units !== 0)
          .sort();
        const wanted = expected
          .map(
            (c) => [[c.day, c.kind, c.country, c.category, c.pricingModel, c.pricingType].join('#'), c.units] as const,
          )
          .sort();
        expect(held).toEqual(wanted);
        // the report (the route's service) prices exactly the model's cells, to the cent
        const report = await buildCostReport(
          { store: reports, rateCard: activeRateCard() },
          { from: DAYS[0] ?? '', to: DAYS[2] ?? '' },
        );
        const reference = computeCostReport({
          rateCard: activeRateCard(),
          cells: expected,
          from: DAYS[0] ?? '',
          to: DAYS[2] ?? '',
        });
        expect(report.rows.filter((row) => row.phoneNumberId === pn)).toEqual(reference.rows);
      }),
      { seed: Number(process.env.PROPERTY_SEED ?? 1212), numRuns: NUM_RUNS, endOnFailure: true },
    );
  }, 300_000);
});
