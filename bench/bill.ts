/**
 * The AWS bill per million messages. Every billed request of a realistic mix of messages is
 * counted from what the bench measured (DynamoDB units per event type from section 1a, Lambda
 * durations from the emulation, publisher invocations from section 3) and priced with the dated
 * list prices (aws-prices.json). What was not measured is an assumption stated in MIX below.
 */
import { routeOf, type HandlerName } from '../functions/routes.ts';
import { PRICES, lambdaCostPerMillion, type AwsPrices } from './prices.ts';
import type { Work } from './capacity.ts';

/** One hundred messages of a business that answers its users and sends some templates. */
export const MIX = {
  /** user messages: 40 from users who wrote in the last 24 h, 5 first messages (a new window) */
  inboundKnown: 40,
  inboundFirst: 5,
  /** free-form replies inside the window; one in five opens the service conversation, the rest join it */
  replies: 35,
  repliesOpening: 7,
  /** templates outside the window, each opening a conversation of its category */
  templates: 20,
  /** inbound messages carrying media (copied to S3 by the media worker) */
  inboundMedia: 2,
  /** Meta sends sent, delivered and read for every business message, each in a POST of its own (the worst case) */
  statusesPerSend: 3,
  /** not emulated: a send waits for Meta's answer (about 0.3 s, README: Reserved concurrency) */
  sendMs: 300,
  /** not emulated: the media worker copies a file from Meta to S3, about 1 s at 1,024 MB */
  mediaWorkerMs: 1000,
  mediaWorkerMb: 1024,
  /** not emulated when section 3 is not run: publisher invocations per event and their duration */
  publisherInvocationsPerEvent: 0.011,
  publisherMs: 200,
  publisherMb: 512,
} as const;

/** A function's memory as the stack deploys it (functions/routes.ts; every route states its own). */
export const memoryOf = (handler: HandlerName): number => {
  const { memoryMb } = routeOf(handler);
  if (memoryMb === undefined) throw new Error(`no memory declared for ${handler} in functions/routes.ts`);
  return memoryMb;
};
const WEBHOOK_MB = memoryOf('webhook');
const SEND_MB = memoryOf('send-message');

const MESSAGES_IN_MIX = MIX.inboundKnown + MIX.inboundFirst + MIX.replies + MIX.templates;

export interface BillInputs {
  /** section 1a's rows, by event name */
  work: Record<string, Work>;
  /** webhook handler's time per single-event POST at its memory (emulation p50), ms */
  webhookMs: { inbound: number; status: number };
  /** measured publisher invocations per event, when section 3 ran */
  publisherInvocationsPerEvent?: number;
}

export interface BillLine {
  component: string;
  /** dollars per million messages */
  dollars: number;
  /** what was counted, per message */
  counted: string;
}

export interface Bill {
  pricesDated: string;
  lines: BillLine[];
  total: number;
}

/** Billed DynamoDB units of an event type: DynamoDB Local reports 0 RCU for an empty BatchGetItem, AWS bills 0.5. */
const units = (work: Work | undefined): { read: number; write: number } => {
  if (!work) throw new Error('the bill needs section 1a (work) of the same run');
  return { read: Math.max(work.rcu, work.reads * 0.5), write: work.wcu + work.indexWcu };
};

export const billPerMillion = (inputs: BillInputs, prices: AwsPrices = PRICES): Bill => {
  const w = (name: string) => units(inputs.work[name]);
  const sends = MIX.replies + MIX.templates;
  const statuses = sends * MIX.statusesPerSend;
  // DynamoDB request units per 100 messages, event type by event type.
  const dynamo = [
    [MIX.inboundKnown, w('inbound message (user known)')],
    [MIX.inboundFirst, w("inbound message (user's first)")],
    [MIX.replies, w('send text (window open)')],
    [MIX.templates, w('send template (window closed)')],
    [sends, w('status sent (before delivery)')],
    [MIX.repliesOpening + MIX.templates, w('status delivered, opens conversation')],
    [MIX.replies - MIX.repliesOpening, w('status delivered, joins open conversation')],
    [sends, w('status read after delivered')],
    // the media worker marks the message's media stored: one update
    [MIX.inboundMedia, { read: 0, write: 1 }],
  ] as const;
  const reads = dynamo.reduce((sum, [count, u]) => sum + count * u.read, 0);
  const writes = dynamo.reduce((sum, [count, u]) => sum + count * u.write, 0);

  // Events: message.received and window.opened/extended per inbound message, window.closing and
  // window.closed per new window, message.status per status, conversation.opened per opening.
  const opened = MIX.repliesOpening + MIX.templates;
  const inbound = MIX.inboundKnown + MIX.inboundFirst;
  const events = inbound * 2 + MIX.inboundFirst * 2 + statuses + opened;

  const lambda = (count: number, memoryMb: number, ms: number) =>
    (count * lambdaCostPerMillion(memoryMb, ms, prices)) / 1e6;
  const publisherInvocations = events * (inputs.publisherInvocationsPerEvent ?? MIX.publisherInvocationsPerEvent);
  const perMsg = (count: number) => (count / MESSAGES_IN_MIX).toFixed(3);
  const lambdaLines: Array<[string, number, string]> = [
    [
      'webhook',
      lambda(inbound, WEBHOOK_MB, inputs.webhookMs.inbound) + lambda(statuses, WEBHOOK_MB, inputs.webhookMs.status),
      `${perMsg(inbound + statuses)} invocations at ${WEBHOOK_MB} MB`,
    ],
    ['send-message', lambda(sends, SEND_MB, MIX.sendMs), `${perMsg(sends)} invocations of ${MIX.sendMs} ms`],
    [
      'publish-events',
      lambda(publisherInvocations, MIX.publisherMb, MIX.publisherMs),
      `${perMsg(publisherInvocations)} invocations of ${MIX.publisherMs} ms`,
    ],
    [
      'media-worker',
      lambda(MIX.inboundMedia, MIX.mediaWorkerMb, MIX.mediaWorkerMs),
      `${perMsg(MIX.inboundMedia)} invocations of ${MIX.mediaWorkerMs} ms at ${MIX.mediaWorkerMb} MB`,
    ],
  ];
  const perMessage = (dollarsPer100: number) => (dollarsPer100 / MESSAGES_IN_MIX) * 1e6;
  const lines: BillLine[] = [
    {
      component: 'DynamoDB writes (incl. history index, transactions at 2×)',
      dollars: perMessage((writes * prices.dynamodb.writeRequestUnitPerMillion) / 1e6),
      counted: `${(writes / MESSAGES_IN_MIX).toFixed(2)} WRU`,
    },
    {
      component: 'DynamoDB reads',
      dollars: perMessage((reads * prices.dynamodb.readRequestUnitPerMillion) / 1e6),
      counted: `${(reads / MESSAGES_IN_MIX).toFixed(2)} RRU`,
    },
    ...lambdaLines.map(([name, dollars, counted]) => ({
      component: `Lambda ${name}`,
      dollars: perMessage(dollars),
      counted,
    })),
    {
      component: 'API Gateway (HTTP API)',
      dollars: perMessage(((inbound + statuses + sends) * prices.apiGateway.httpApiRequestsPerMillion) / 1e6),
      counted: `${((inbound + statuses + sends) / MESSAGES_IN_MIX).toFixed(2)} requests`,
    },
    {
      component: 'EventBridge custom events',
      dollars: perMessage((events * prices.eventBridge.customEventsPerMillion) / 1e6),
      counted: `${(events / MESSAGES_IN_MIX).toFixed(2)} events`,
    },
    {
      component: 'S3 PUT (inbound media)',
      dollars: perMessage((MIX.inboundMedia * prices.s3.putPerThousand) / 1000),
      counted: `${(MIX.inboundMedia / MESSAGES_IN_MIX).toFixed(2)} PUTs`,
    },
  ];
  const total = lines.reduce((sum, line) => sum + line.dollars, 0);
  return { pricesDated: prices.date, lines, total };
};

/** The bill's inputs from the bench's results (this run's sections over the last run's). */
export const billInputsFrom = (results: Record<string, unknown>): BillInputs => {
  const rows = results.workPerEvent as Array<{ event: string; work: Work }> | undefined;
  if (!rows) throw new Error('the bill needs section 1a: run `npm run bench -- --only work,emulation,bill` first');
  const emulation = results.emulation as
    | {
        inbound: { projected: Record<string, { p50: number }> };
        delivered: { projected: Record<string, { p50: number }> };
      }
    | undefined;
  const events = results.events as { per1000?: { invocations?: number } } | undefined;
  const perEvent = events?.per1000?.invocations ? events.per1000.invocations / 1000 : undefined;
  return {
    work: Object.fromEntries(rows.map((row) => [row.event, row.work])),
    // Without the emulation: the issue's own figures at 512 MB (inbound p50 28 ms, delivered 45 ms).
    webhookMs: {
      inbound: emulation?.inbound.projected[String(WEBHOOK_MB)]?.p50 ?? 28,
      status: emulation?.delivered.projected[String(WEBHOOK_MB)]?.p50 ?? 45,
    },
    ...(perEvent ? { publisherInvocationsPerEvent: perEvent } : {}),
  };
};
