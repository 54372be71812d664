import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient, GetRecordsCommand } from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse } from 'aws-lambda';
import { localClient } from '../bin/local/dynamodb-local.ts';
import { LocalStreamReader } from '../bin/local/events/stream-reader.ts';
import { createHandler } from '../functions/publish-events/index.ts';
import type { EventBus } from '#commons/events/bus';
import type { DomainEvent } from '#commons/events/catalogue';
import { PUT_EVENTS_BATCH } from '#commons/events/eventbridge-bus';
import { HttpBus } from '#commons/events/http-bus';
import { LocalTimers } from '#commons/events/local-timers';
import { fireWindowTimer, type PublisherDeps } from '#commons/events/publisher';
import * as payloads from '../test/fixtures/payloads.ts';
import { startEventListener, waitUntil } from '../test/support/event-listener.ts';
import { BENCH, nowSeconds } from './env.ts';
import { PRICES as LIST_PRICES } from './prices.ts';
import type { BenchStack } from './stack.ts';

/**
 * 3. Event delivery on the local stack: webhook-to-event latency (a signed POST /webhook until the
 * listener on 127.0.0.1 has its message.received), and what the publisher does per 1,000 events
 * (stream reads, handler invocations, PutEvents calls at up to 10 entries each), priced at AWS's list prices.
 */

/** us-east-1 list prices, from the one dated price file (aws-prices.json, with its sources). */
export const PRICES = {
  putEventsPerEvent: LIST_PRICES.eventBridge.customEventsPerMillion / 1_000_000,
  lambdaPerRequest: LIST_PRICES.lambda.requestsPerMillion / 1_000_000,
  /** arm64 */
  lambdaPerGbSecond: LIST_PRICES.lambda.arm64GbSecond,
  /** GetRecords by a Lambda event source mapping is not charged (DynamoDB Streams pricing) */
  streamReadPerCall: 0,
  memoryGb: 0.5,
};

export const EVENT_BUDGETS = {
  /** the issue asks for delivery within 5 s; locally we hold ourselves to 1 s at p99 */
  latencyP99Ms: 1000,
  /** PutEvents calls per event: batching must hold at ≤ 0.2 (10 entries a call would be 0.1) */
  putCallsPerEvent: 0.2,
  /** dollars per 1,000 events: the EventBridge charge ($0.001) plus at most 50 % for Lambda */
  costPer1000: 0.0015,
};

export interface EventBenchResult {
  latencyMs: { samples: number; p50: number; p99: number; max: number };
  burst: {
    events: number;
    streamReads: number;
    invocations: number;
    putEventsCalls: number;
    handlerMsPerInvocation: number;
  };
  per1000: { streamReads: number; invocations: number; putEventsCalls: number; costUsd: number };
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

export const measureEvents = async (stack: BenchStack, endpoint: string, samples = 200): Promise<EventBenchResult> => {
  const listener = await startEventListener();
  const counts = { invocations: 0, events: 0, putEventsCalls: 0, handlerMs: 0, streamReads: 0 };
  const http = new HttpBus({ url: listener.url });
  const bus: EventBus = {
    put: async (events: DomainEvent[]) => {
      counts.events += events.length;
      counts.putEventsCalls += Math.ceil(events.length / PUT_EVENTS_BATCH);
      await http.put(events);
    },
  };
  const deps: PublisherDeps = {
    bus,
    timers: undefined as unknown as LocalTimers,
    clock: nowSeconds,
    closingNoticeSeconds: 3600,
  };
  const timers = new LocalTimers((timer) => fireWindowTimer(timer, deps));
  deps.timers = timers;
  const handler = createHandler(deps);
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  streams.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === GetRecordsCommand.name) counts.streamReads++;
      return next(args);
    },
    { step: 'initialize' },
  );
  const reader = new LocalStreamReader({
    dynamoDb: localClient(endpoint),
    streams,
    tableName: BENCH.tableName,
    checkpointFile: join(tmpdir(), `bench-events-${randomBytes(4).toString('hex')}.json`),
    handler: async (event) => {
      counts.invocations++;
      const started = performance.now();
      const result = (await handler(event, { awsRequestId: 'bench' } as Context)) as DynamoDBBatchResponse;
      counts.handlerMs += performance.now() - started;
      return result;
    },
    log: () => undefined,
    idleMs: 10,
  });
  reader.start();
  const seen = new Set<unknown>();
  let scanned = 0;
  const received = (wamid: unknown): boolean => {
    for (; scanned < listener.events.length; scanned++) {
      const event = listener.events[scanned];
      if (event?.['detail-type'] === 'message.received') seen.add(event.detail.wamid);
    }
    return seen.has(wamid);
  };
  try {
    // Latency: one message at a time, from the signed POST to the listener's receipt.
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const message = payloads.textMessage(`latency ${i}`, {
        from: `1555${String(7000000 + i)}`,
        timestamp: nowSeconds(),
      });
      const started = performance.now();
      await stack.postWebhook(
        payloads.webhookBody(payloads.messagesChange({ phoneNumberId: BENCH.phoneNumberId, messages: [message] })),
      );
      if (!(await waitUntil(() => received(message.id), 10_000, 1)))
        throw new Error('an event did not arrive within 10 s');
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);

    // Cost: a burst of 1,000 inbound messages in POSTs of 25, then what the publisher did for it.
    Object.assign(counts, { invocations: 0, events: 0, putEventsCalls: 0, handlerMs: 0, streamReads: 0 });
    const ids: unknown[] = [];
    const bodies = Array.from({ length: 40 }, (_, p) => {
      const messages = Array.from({ length: 25 }, (_, i) =>
        payloads.textMessage(`burst ${p}.${i}`, {
          from: `1556${String(7000000 + p * 25 + i)}`,
          timestamp: nowSeconds(),
        }),
      );
      ids.push(...messages.map((m) => m.id));
      return payloads.webhookBody(payloads.messagesChange({ phoneNumberId: BENCH.phoneNumberId, messages }));
    });
    // 4 POSTs in flight, as in 1b
    for (let p = 0; p < bodies.length; p += 4)
      await Promise.all(bodies.slice(p, p + 4).map((b) => stack.postWebhook(b)));
    const all = () => ids.every((id) => received(id));
    if (!(await waitUntil(all, 180_000, 20))) throw new Error('the burst was not delivered within 180 s');
    const per = (n: number) => (n / counts.events) * 1000;
    const handlerSeconds = counts.handlerMs / 1000;
    const cost =
      counts.events * PRICES.putEventsPerEvent +
      counts.invocations * PRICES.lambdaPerRequest +
      handlerSeconds * PRICES.memoryGb * PRICES.lambdaPerGbSecond +
      counts.streamReads * PRICES.streamReadPerCall;
    return {
      latencyMs: {
        samples,
        p50: Math.round(percentile(latencies, 50)),
        p99: Math.round(percentile(latencies, 99)),
        max: Math.round(latencies.at(-1) ?? 0),
      },
      burst: {
        events: counts.events,
        streamReads: counts.streamReads,
        invocations: counts.invocations,
        putEventsCalls: counts.putEventsCalls,
        handlerMsPerInvocation: Math.round(counts.handlerMs / Math.max(1, counts.invocations)),
      },
      per1000: {
        streamReads: Math.round(per(counts.streamReads)),
        invocations: Math.round(per(counts.invocations)),
        putEventsCalls: Math.round(per(counts.putEventsCalls)),
        costUsd: (cost / counts.events) * 1000,
      },
    };
  } finally {
    timers.stop();
    await reader.stop();
    await listener.close();
  }
};

export const eventRows = (
  r: EventBenchResult,
  fixed: (n: number, d?: number) => string,
  verdict: (holds: boolean, over: string) => string,
) => ({
  latency: [
    [
      'webhook POST → message.received at the listener',
      r.latencyMs.samples,
      `${r.latencyMs.p50} ms`,
      `${r.latencyMs.p99} ms`,
      `${r.latencyMs.max} ms`,
      `p99 ≤ ${EVENT_BUDGETS.latencyP99Ms} ms`,
      verdict(r.latencyMs.p99 <= EVENT_BUDGETS.latencyP99Ms, `+${r.latencyMs.p99 - EVENT_BUDGETS.latencyP99Ms} ms`),
    ],
  ],
  cost: [
    [
      `burst of 1,000 inbound (${r.burst.events} events)`,
      r.per1000.streamReads,
      r.per1000.invocations,
      r.per1000.putEventsCalls,
      `$${fixed(r.per1000.costUsd, 5)}`,
      `≤ ${EVENT_BUDGETS.putCallsPerEvent * 1000} calls, ≤ $${EVENT_BUDGETS.costPer1000}`,
      verdict(
        r.per1000.putEventsCalls <= EVENT_BUDGETS.putCallsPerEvent * 1000 &&
          r.per1000.costUsd <= EVENT_BUDGETS.costPer1000,
        `${r.per1000.putEventsCalls} calls, $${fixed(r.per1000.costUsd, 5)}`,
      ),
    ],
  ],
});
