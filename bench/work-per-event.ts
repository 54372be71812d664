import { DAY } from '#domain/time';
import { recordSentMessage } from '#send/record-sent-message';
import * as payloads from '../test/fixtures/payloads.ts';
import { addWork, emptyWork, type Work } from './capacity.ts';
import { BENCH, nowSeconds, withTimeout } from './env.ts';
import type { BenchStack } from './stack.ts';

/** DynamoDB work of one event, averaged over the samples: the same measures as a total. */
export type PerEvent = Work;

export interface Budget {
  text: string;
  /** what exceeds the budget, e.g. "+1 read"; empty when it holds */
  check(work: PerEvent): string[];
}

export interface WorkRow {
  event: string;
  samples: number;
  work: PerEvent;
  budget?: string;
  holds?: boolean;
  over?: string;
}

const perEvent = (total: Work, samples: number): PerEvent => {
  const mean = (value: number) => Math.round((value / samples) * 100) / 100;
  return {
    reads: mean(total.reads),
    writes: mean(total.writes),
    transactions: mean(total.transactions),
    transactionItems: mean(total.transactionItems),
    rcu: mean(total.rcu),
    wcu: mean(total.wcu),
    transactionWcuReported: mean(total.transactionWcuReported),
    indexWcu: mean(total.indexWcu),
    failed: mean(total.failed),
    unreported: mean(total.unreported),
    byCommand: Object.fromEntries(Object.entries(total.byCommand).map(([name, count]) => [name, mean(count)])),
  };
};

const excess = (value: number, limit: number, what: string): string[] =>
  value > limit + 1e-9 ? [`+${Math.round((value - limit) * 100) / 100} ${what}`] : [];

/** The budgets of design.md ("Performance budgets"), read as request counts. */
export const BUDGETS = {
  inbound: {
    text: '≤ 2 writes',
    check: (w: PerEvent) => excess(w.writes + w.transactions, 2, 'write'),
  },
  noConversation: {
    text: '≤ 1 write + 1 read',
    check: (w: PerEvent) => [...excess(w.writes + w.transactions, 1, 'write'), ...excess(w.reads, 1, 'read')],
  },
  opensConversation: {
    text: '≤ 1 transaction + 1 write',
    check: (w: PerEvent) => [...excess(w.transactions, 1, 'transaction'), ...excess(w.writes, 1, 'write')],
  },
} satisfies Record<string, Budget>;

const row = (event: string, total: Work, samples: number, budget?: Budget): WorkRow => {
  const work = perEvent(total, samples);
  if (!budget) return { event, samples, work };
  const over = budget.check(work);
  return { event, samples, work, budget: budget.text, holds: over.length === 0, over: over.join(', ') };
};

const user = (base: number, index: number): string => String(15550000000 + base + index);

const expectOk = (answer: { status: number; body: unknown }, what: string): void => {
  if (answer.status !== 200) throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
};

/**
 * DynamoDB work per event type, each sample its own POST so nothing is shared between events:
 * the numbers are what one event costs on its own (a batch shares the contact lookups).
 */
export const measureWorkPerEvent = async (stack: BenchStack, samples = 20): Promise<WorkRow[]> => {
  const { meter, postWebhook, postMessage } = stack;
  const phoneNumberId = BENCH.phoneNumberId;
  const rows: WorkRow[] = [];
  const start = nowSeconds() - 3600;
  const inboundPayload = (from: string, timestamp: number) =>
    payloads.webhookBody(
      payloads.messagesChange({
        phoneNumberId,
        contacts: [payloads.contact({ waId: from, name: 'Bench' })],
        messages: [payloads.textMessage('Hello from the bench', { from, timestamp })],
      }),
    );
  const statusPayload = (id: string, to: string, status: string, timestamp: number) =>
    payloads.webhookBody(
      payloads.messagesChange({
        phoneNumberId,
        statuses: [payloads.statusUpdate({ id, status, recipientId: to, timestamp })],
      }),
    );

  // Inbound, steady state: the user wrote before.
  const known = user(1000, 0);
  expectOk(await postWebhook(inboundPayload(known, start), 'setup'), 'first inbound');
  meter.take('inbound');
  for (let i = 1; i <= samples; i++)
    expectOk(await postWebhook(inboundPayload(known, start + i), 'inbound'), 'inbound');
  rows.push(row('inbound message (user known)', meter.take('inbound'), samples, BUDGETS.inbound));

  // A new user's first message: the same path (nothing is written for a user until it writes).
  for (let i = 0; i < samples; i++) {
    expectOk(await postWebhook(inboundPayload(user(2000, i), start), 'inbound-first'), 'inbound');
  }
  rows.push(row("inbound message (user's first)", meter.take('inbound-first'), samples, BUDGETS.inbound));

  // Statuses of template messages the send API recorded: sent, the first delivered (opens a
  // conversation), read (opens nothing), then a second template delivered inside that conversation.
  for (let i = 0; i < samples; i++) {
    const to = user(3000, i);
    const [first, second] = [payloads.wamid(), payloads.wamid()];
    await meter.run('seed', async () => {
      const contact = await stack.stores.contacts.resolveContact(phoneNumberId, { waId: to });
      for (const id of [first, second]) {
        await recordSentMessage(
          stack.stores,
          { id, contact, kind: 'template', templateName: 'bench_offer', templateCategory: 'marketing' },
          nowSeconds() + 30 * DAY,
        );
      }
    });
    const at = start + 100 + i * 10;
    expectOk(await postWebhook(statusPayload(first, to, 'sent', at), 'status-sent'), 'sent');
    expectOk(await postWebhook(statusPayload(first, to, 'delivered', at + 1), 'status-opens'), 'delivered');
    expectOk(await postWebhook(statusPayload(first, to, 'read', at + 2), 'status-read'), 'read');
    expectOk(await postWebhook(statusPayload(second, to, 'delivered', at + 3), 'status-joins'), 'delivered');
  }
  meter.take('seed');
  rows.push(row('status sent (before delivery)', meter.take('status-sent'), samples, BUDGETS.noConversation));
  rows.push(row('status read after delivered', meter.take('status-read'), samples, BUDGETS.noConversation));
  rows.push(
    row('status delivered, joins open conversation', meter.take('status-joins'), samples, BUDGETS.noConversation),
  );
  rows.push(
    row('status delivered, opens conversation', meter.take('status-opens'), samples, BUDGETS.opensConversation),
  );

  // Sends through the sandbox (zero delays): its status webhooks are counted apart, under their own tag.
  const template = await fetch(`${stack.url}/templates/bench_offer/en_US`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH.apiToken}` },
    body: JSON.stringify({ category: 'MARKETING', components: [{ type: 'BODY', text: 'Our offer {{1}} ends soon.' }] }),
    signal: AbortSignal.timeout(30_000),
  });
  if (template.status !== 200) throw new Error(`PUT /templates answered ${template.status}`);
  const sends: Array<[string, (i: number) => Promise<void>]> = [
    [
      'send template (window closed)',
      async (i) => {
        const answer = await postMessage(
          {
            to: user(4000, i),
            type: 'template',
            phoneNumberId,
            template: {
              name: 'bench_offer',
              language: { code: 'en_US' },
              components: [{ type: 'body', parameters: [{ type: 'text', text: `B-${i}` }] }],
            },
          },
          'send',
        );
        expectOk(answer, 'send template');
      },
    ],
    [
      'send text (window open)',
      async (i) => {
        const to = user(5000, i);
        expectOk(await postWebhook(inboundPayload(to, nowSeconds() - 60), 'setup'), 'inbound');
        expectOk(await postMessage({ to, type: 'text', text: { body: 'Thanks!' }, phoneNumberId }, 'send'), 'send');
      },
    ],
    [
      'send text with Idempotency-Key',
      async (i) => {
        const to = user(6000, i);
        expectOk(await postWebhook(inboundPayload(to, nowSeconds() - 60), 'setup'), 'inbound');
        expectOk(
          await postMessage({ to, type: 'text', text: { body: 'Thanks!' }, phoneNumberId }, 'send', {
            'idempotency-key': `bench-${to}`,
          }),
          'send',
        );
      },
    ],
  ];
  for (const [event, send] of sends) {
    const total = emptyWork();
    for (let i = 0; i < samples; i++) {
      await send(i);
      addWork(total, meter.take('send'));
      // Let the sandbox's statuses of this send land before the next one: no contention between samples.
      await withTimeout(stack.sandbox.idle(), 30_000, "the sandbox's webhooks");
    }
    rows.push(row(event, total, samples));
  }
  meter.reset();
  return rows;
};
