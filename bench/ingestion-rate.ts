import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { windowExpiry } from '#domain/window';
import { DAY } from '#domain/time';
import { keys } from '#store/keys';
import * as payloads from '../test/fixtures/payloads.ts';
import { installCapacityMeter, type Work } from './capacity.ts';
import { BENCH, nowSeconds, withTimeout } from './env.ts';
import type { BenchStack } from './stack.ts';

export interface IngestionOptions {
  /** events per round and side */
  events: number;
  /** inbound messages per webhook POST */
  batch: number;
  /** webhook POSTs in flight at once */
  posts: number;
  /** measured rounds per side, alternating; the median is reported */
  rounds: number;
}

export const DEFAULT_INGESTION: IngestionOptions = { events: 2000, batch: 25, posts: 4, rounds: 5 };

export interface IngestionResult {
  options: IngestionOptions;
  /** events per second, median of the rounds */
  webhookRate: number;
  bareWritesRate: number;
  /** the bare client issuing the alias read too: what the webhook does to DynamoDB, request for request */
  bareSameRequestsRate: number;
  /** webhook / bare writes: the budget (≥ 0.7) */
  ratio: number;
  ratioSameRequests: number;
  rounds: { webhook: number[]; bareWrites: number[]; bareSameRequests: number[] };
  /** DynamoDB requests per event on each side, to show both did the same work */
  requestsPerEvent: { webhook: Record<string, number>; bareWrites: Record<string, number> };
}

interface Message {
  id: string;
  from: string;
  timestamp: number;
  raw: Record<string, unknown>;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const perEvent = (work: Work, events: number): Record<string, number> =>
  Object.fromEntries(
    Object.entries(work.byCommand).map(([name, count]) => [name, Math.round((count / events) * 100) / 100]),
  );

/** Runs `work` over `items` with `limit` in flight. */
const pool = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

/**
 * Webhook ingestion over HTTP (signed POSTs of inbound batches through the local server and the real
 * handler) against the same DynamoDB writes issued by a bare DocumentClient on the same DynamoDB
 * Local, in alternating rounds of the same size and the same number of events in flight.
 */
export const measureIngestionRate = async (
  stack: BenchStack,
  endpoint: string,
  options: IngestionOptions = DEFAULT_INGESTION,
): Promise<IngestionResult> => {
  const bareBase = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  // The same metering middleware as the handlers' client, so both sides pay for it alike.
  const bareMeter = installCapacityMeter(bareBase);
  const bare = DynamoDBDocumentClient.from(bareBase, { marshallOptions: { removeUndefinedValues: true } });
  const inFlight = options.posts * Math.min(options.batch, 32);
  const phoneNumberId = BENCH.phoneNumberId;
  let userSeq = 0;
  const makeRound = (): Message[] => {
    const timestamp = nowSeconds() - 60;
    return Array.from({ length: options.events }, () => {
      const from = String(16660000000 + userSeq++);
      const raw = payloads.textMessage('Hello, is the blue one still in stock?', { from, timestamp });
      return { id: String(raw.id), from, timestamp, raw };
    });
  };

  const viaWebhook = async (messages: Message[]): Promise<number> => {
    const bodies: unknown[] = [];
    for (let i = 0; i < messages.length; i += options.batch) {
      const batch = messages.slice(i, i + options.batch);
      bodies.push(
        payloads.webhookBody(
          payloads.messagesChange({
            phoneNumberId,
            contacts: batch.map((m) => payloads.contact({ waId: m.from, name: 'Bench' })),
            messages: batch.map((m) => m.raw),
          }),
        ),
      );
    }
    const started = performance.now();
    await pool(bodies, options.posts, async (body) => {
      const answer = await stack.postWebhook(body, 'ingest');
      if (answer.status !== 200) throw new Error(`webhook answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    });
    return messages.length / ((performance.now() - started) / 1000);
  };

  /** The inbound path's own requests: window update, then the conditional message put (record-inbound.ts). */
  const writeDirectly = async (message: Message, withRead: boolean): Promise<void> => {
    if (withRead) {
      await bare.send(
        new BatchGetCommand({
          RequestItems: {
            [BENCH.tableName]: { Keys: [keys.userAlias(phoneNumberId, message.from)], ConsistentRead: true },
          },
        }),
      );
    }
    await bare.send(
      new UpdateCommand({
        TableName: BENCH.tableName,
        Key: keys.window(phoneNumberId, message.from),
        UpdateExpression: 'SET lastInboundAt = :at, expiresAt = :expiresAt',
        ConditionExpression: 'attribute_not_exists(lastInboundAt) OR lastInboundAt < :at',
        ExpressionAttributeValues: { ':at': message.timestamp, ':expiresAt': windowExpiry(message.timestamp) },
      }),
    );
    await bare.send(
      new PutCommand({
        TableName: BENCH.tableName,
        Item: {
          ...keys.message(message.id),
          direction: 'inbound',
          phoneNumberId,
          contactId: message.from,
          type: 'text',
          timestamp: message.timestamp,
          raw: JSON.stringify(message.raw),
          expiresAt: nowSeconds() + 30 * DAY,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  };
  const viaBareClient = async (messages: Message[], withRead: boolean): Promise<number> => {
    const started = performance.now();
    await bareMeter.run(withRead ? 'bare-read' : 'bare', () =>
      pool(messages, inFlight, (message) => writeDirectly(message, withRead)),
    );
    return messages.length / ((performance.now() - started) / 1000);
  };

  // Unmeasured rounds to warm up both paths (JIT on both sides, connections, DynamoDB Local's own).
  const warmUp = makeRound().slice(0, Math.min(options.events, 1000));
  await withTimeout(viaWebhook(warmUp.slice(0, warmUp.length / 2)), 120_000, 'webhook warm-up');
  await withTimeout(viaBareClient(warmUp.slice(warmUp.length / 2), true), 120_000, 'bare warm-up');
  stack.meter.take('ingest');
  bareMeter.take('bare-read');

  const rounds = { webhook: [] as number[], bareWrites: [] as number[], bareSameRequests: [] as number[] };
  const sides: Array<[keyof typeof rounds, () => Promise<number>]> = [
    ['bareWrites', () => viaBareClient(makeRound(), false)],
    ['webhook', () => viaWebhook(makeRound())],
    ['bareSameRequests', () => viaBareClient(makeRound(), true)],
  ];
  for (let round = 0; round < options.rounds; round++) {
    // The order rotates, so that a drift of DynamoDB Local over the run (its table grows) hits each side alike.
    for (let turn = 0; turn < sides.length; turn++) {
      const [side, run] = sides[(round + turn) % sides.length] as (typeof sides)[number];
      rounds[side].push(await withTimeout(run(), 120_000, `${side} round`));
    }
  }
  const measured = options.events * options.rounds;
  const webhookWork = stack.meter.take('ingest');
  const bareWork = bareMeter.take('bare');
  bareBase.destroy();
  const webhookRate = median(rounds.webhook);
  const bareWritesRate = median(rounds.bareWrites);
  const bareSameRequestsRate = median(rounds.bareSameRequests);
  return {
    options,
    webhookRate: Math.round(webhookRate),
    bareWritesRate: Math.round(bareWritesRate),
    bareSameRequestsRate: Math.round(bareSameRequestsRate),
    ratio: Math.round((webhookRate / bareWritesRate) * 1000) / 1000,
    ratioSameRequests: Math.round((webhookRate / bareSameRequestsRate) * 1000) / 1000,
    rounds: {
      webhook: rounds.webhook.map(Math.round),
      bareWrites: rounds.bareWrites.map(Math.round),
      bareSameRequests: rounds.bareSameRequests.map(Math.round),
    },
    requestsPerEvent: { webhook: perEvent(webhookWork, measured), bareWrites: perEvent(bareWork, measured) },
  };
};
