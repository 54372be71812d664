import { randomBytes } from 'node:crypto';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createSessionTable } from '../../bin/local/dynamodb-local.ts';
import { createHandler } from '../../functions/webhook/index.ts';
import type { EpochSeconds } from '#domain/time';
import { webhookBatchItem } from '#store/items/webhook-batch';
import { DynamoDbWebhookBatches } from '#store/dynamodb-webhook-batches';
import * as payloads from '../fixtures/payloads.ts';
import { testDocumentClient } from './environment.ts';
import { tableStores } from './stores.ts';
import { APP_SECRET, seedOutboundMessage, signedEvent } from './webhook.ts';

/**
 * A POST as Meta sends it while working off a backlog: `users` users writing `inbound` messages,
 * and sent, delivered and read for `templates` template messages the send API recorded (seeded
 * into each table that will receive the POST, as the send route would have). With no more
 * templates than users, no two deliveries race for one conversation, so the outcome does not
 * depend on the order the events are applied in (which of two would open it).
 */
export const backlogPost = (options: {
  phoneNumberId: string;
  now: EpochSeconds;
  users?: number;
  inbound?: number;
  templates?: number;
  /** the first user's number offset, so successive POSTs can write for users of their own */
  firstUser?: number;
}) => {
  const { phoneNumberId, now } = options;
  const userCount = options.users ?? 100;
  const tag = randomBytes(3).toString('hex');
  const first = options.firstUser ?? 0;
  const users = Array.from({ length: userCount }, (_, i) => `49${String(1e9 + first + i)}`);
  const inbound = Array.from({ length: options.inbound ?? 400 }, (_, i) =>
    payloads.textMessage(`m${i}`, { from: users[i % userCount], timestamp: now - 600 + i }),
  );
  const templates = Array.from({ length: options.templates ?? 200 }, (_, i) => ({
    id: `wamid.backlog.${tag}.${i}`,
    waId: users[i % userCount] as string,
  }));
  const statuses = templates.flatMap(({ id, waId }) =>
    (['sent', 'delivered', 'read'] as const).map((status, k) =>
      payloads.statusUpdate({ id, status, timestamp: now - 300 + k, recipientId: waId }),
    ),
  );
  // Two changes of half the messages and half the statuses each, as Meta splits a big batch.
  const halves = <T>(list: T[]): [T[], T[]] => [list.slice(0, list.length / 2), list.slice(list.length / 2)];
  const [inboundA, inboundB] = halves(inbound);
  const [statusesA, statusesB] = halves(statuses);
  const body = payloads.webhookBody([
    payloads.messagesChange({ phoneNumberId, messages: inboundA, statuses: statusesA }),
    payloads.messagesChange({ phoneNumberId, messages: inboundB, statuses: statusesB }),
  ]);
  return {
    body,
    users,
    events: inbound.length + statuses.length,
    /** records the template messages in a table, as the send API does before Meta reports on them */
    seed: async (client: DynamoDBDocumentClient, tableName: string) => {
      const stores = tableStores(client, tableName);
      for (const { id, waId } of templates) {
        await seedOutboundMessage(stores, { id, phoneNumberId, waId, kind: 'template', templateCategory: 'marketing' });
      }
    },
  };
};

/** A table of its own (with its stream), so a stream reader sees only what the test writes. */
export const freshTable = async (prefix: string): Promise<string> => {
  const table = `${prefix}-${randomBytes(4).toString('hex')}`;
  await createSessionTable(process.env.DYNAMODB_ENDPOINT as string, table, { timeToLive: false });
  return table;
};

/** The real webhook handler on a table, deferring POSTs above `aboveEvents` (undefined: never). */
export const webhookOn = (
  tableName: string,
  options: { now: EpochSeconds; aboveEvents?: number; client?: DynamoDBDocumentClient },
) => {
  const client = options.client ?? testDocumentClient();
  const handler = createHandler({
    stores: tableStores(client, tableName),
    clock: () => options.now,
    secrets: async () => ({ appSecret: APP_SECRET }),
    retentionDays: 30,
    ...(options.aboveEvents === undefined
      ? {}
      : { deferral: { batches: new DynamoDbWebhookBatches(client, tableName), aboveEvents: options.aboveEvents } }),
  });
  return async (payload: unknown) => {
    const result = (await handler(signedEvent(payload), { awsRequestId: 'test' } as Context)) as
      APIGatewayProxyStructuredResultV2 | undefined;
    return {
      status: result?.statusCode ?? 0,
      body: JSON.parse(result?.body ?? 'null') as Record<string, unknown>,
    };
  };
};

const scanAll = async (client: DynamoDBDocumentClient, tableName: string) => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

/**
 * What ingestion left in a table, keyed by item, without the batch chunks themselves, the alias
 * expiry (the alias store moves it by the wall clock) and the arrival time in a message's history
 * key (a tiebreak in ms): two tables that received the same events the same way compare equal.
 */
export const ingestedState = async (tableName: string, client = testDocumentClient()) => {
  const state: Record<string, unknown> = {};
  for (const item of await scanAll(client, tableName)) {
    const pk = String(item.pk);
    const sk = String(item.sk);
    if (webhookBatchItem.matches({ pk, sk })) continue;
    const { expiresAt, ...rest } = item;
    if (typeof rest.historySk === 'string') rest.historySk = rest.historySk.replace(/#\d+#/, '#arrival#');
    state[`${pk}|${sk}`] = pk.startsWith('USER#') ? rest : { ...rest, expiresAt };
  }
  return state;
};

/** How many message items (inbound and business) a table holds. */
export const messageCount = async (tableName: string, client = testDocumentClient()): Promise<number> => {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        Select: 'COUNT',
        FilterExpression: 'begins_with(pk, :msg)',
        ExpressionAttributeValues: { ':msg': 'MSG#' },
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
};

/** The batch chunks a table holds. */
export const batchChunks = async (tableName: string, client = testDocumentClient()) =>
  (await scanAll(client, tableName)).filter((item) =>
    webhookBatchItem.matches({ pk: String(item.pk), sk: String(item.sk) }),
  );

/** Waits for an asynchronous condition with a bounded deadline (no fixed sleep); returns whether it came true. */
export const eventually = async (
  condition: () => Promise<boolean>,
  timeoutMs: number,
  stepMs = 100,
): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  return condition();
};
