import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  createSessionTable,
  freePort,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../../bin/local/dynamodb-local.ts';
import * as payloads from '../fixtures/payloads.ts';
import { utcDay } from '#domain/time';
import { AGGREGATE_SHARDS, keys } from '#store/keys';
import { TEST_TABLE_NAME, uniquePhoneNumberId } from '#test/environment';
import { seedOutboundMessage, webhookHarness, type WebhookHarness } from '#test/webhook';

/**
 * DynamoDB Local of its own, on a fixed port and a data folder, stopped in the middle of a stream
 * of signed webhooks and started again on the same port and folder. Every webhook answered 200
 * must be stored (also across the restart), every one answered 5xx is redelivered as Meta would and
 * must then be stored once: windows at the latest message, one message unit per delivered message
 * and one conversation unit per conversation, never two.
 */
const T = 1_780_000_000; // 2026-05-28T20:26:40Z
const WEBHOOKS = 48;
/** the stop is triggered once this many webhooks were answered, with more in flight */
const STOP_AFTER = 10;
/** webhooks posted while DynamoDB Local is down: each must answer 5xx */
const WHILE_DOWN = [20, 30] as const;

let dataDir: string;
let port: number;
let dynamoDb: DynamoDbLocal | undefined;
let base: DynamoDBClient;
let client: DynamoDBDocumentClient;
let harness: WebhookHarness;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wse-fault-'));
  port = await freePort();
  dynamoDb = await startDynamoDbLocal({ port, dbPath: dataDir });
  await createSessionTable(dynamoDb.endpoint, TEST_TABLE_NAME, { timeToLive: false });
  // The SDK's defaults, as the Lambda runs with: three attempts with backoff, then the error.
  base = new DynamoDBClient({
    endpoint: dynamoDb.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  harness = webhookHarness({ now: T + 3600, client });
}, 60_000);

afterAll(async () => {
  base?.destroy();
  await dynamoDb?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Webhook {
  body: Record<string, unknown>;
  inbound: Array<{ id: string; from: string; timestamp: number }>;
  delivered: string;
}

const readAll = async (keyList: Array<{ pk: string; sk: string }>) => {
  const items = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < keyList.length; i += 100) {
    let request: Record<string, { Keys: Array<Record<string, unknown>>; ConsistentRead: boolean }> | undefined = {
      [TEST_TABLE_NAME]: { Keys: keyList.slice(i, i + 100), ConsistentRead: true },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt >= 10) throw new Error('DynamoDB Local kept keys unprocessed');
      const answer = await client.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of answer.Responses?.[TEST_TABLE_NAME] ?? []) items.set(String(item.pk), item);
      request = answer.UnprocessedKeys as typeof request;
    }
  }
  return items;
};

const unitsOf = async (phoneNumberId: string, days: Set<string>) => {
  const units = { message: 0, conversation: 0 };
  for (const day of days) {
    for (let shard = 0; shard < AGGREGATE_SHARDS; shard++) {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: TEST_TABLE_NAME,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.aggregatePartition(day, shard) },
          ConsistentRead: true,
        }),
      );
      for (const item of Items) {
        if (item.phoneNumberId !== phoneNumberId) continue;
        const kind = String(item.kind);
        if (kind === 'message' || kind === 'conversation') units[kind] += Number(item.units);
      }
    }
  }
  return units;
};

describe('DynamoDB Local stopped and restarted in the middle of a webhook stream', () => {
  it('stores every acknowledged event, and every redelivered one once', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const users = Array.from({ length: 6 }, (_, i) => `1555300${String(i).padStart(4, '0')}`);
    // One template per recipient, each to its own user: each delivery opens exactly one conversation.
    const outbound = Array.from({ length: WEBHOOKS }, (_, i) => ({
      id: payloads.wamid(),
      waId: `1555400${String(i).padStart(4, '0')}`,
    }));
    for (const { id, waId } of outbound) {
      await seedOutboundMessage(harness.stores, {
        id,
        phoneNumberId,
        waId,
        kind: 'template',
        templateCategory: 'marketing',
      });
    }
    const webhooks: Webhook[] = outbound.map(({ id, waId }, i) => {
      const inbound = [0, 1].map((k) => ({
        id: payloads.wamid(),
        from: users[(2 * i + k) % users.length] as string,
        timestamp: T + i,
      }));
      const statuses = [payloads.statusUpdate({ id, status: 'delivered', recipientId: waId, timestamp: T + i })];
      const earlier = outbound[i - 2];
      if (earlier && i % 3 === 0) {
        statuses.push(
          payloads.statusUpdate({ id: earlier.id, status: 'read', recipientId: earlier.waId, timestamp: T + i }),
        );
      }
      const body = payloads.webhookBody(
        payloads.messagesChange({
          phoneNumberId,
          contacts: inbound.map((m) => payloads.contact({ waId: m.from, name: 'Fault' })),
          messages: inbound.map((m) => payloads.textMessage('hi', { id: m.id, from: m.from, timestamp: m.timestamp })),
          statuses,
        }),
      );
      return { body, inbound, delivered: id };
    });

    const answers: number[] = new Array(WEBHOOKS).fill(0);
    const post = async (index: number) => {
      const answer = await harness.post((webhooks[index] as Webhook).body);
      answers[index] = answer.status;
      return answer.status;
    };

    // Up: four in flight at once; the stop starts as soon as STOP_AFTER were answered, the rest still
    // posting. Those answered before the stop began were answered while DynamoDB was up: all 200. (Not
    // the first STOP_AFTER by index: a slow one of them may still be in flight when the stop begins.)
    const answeredWhileUp: number[] = [];
    let stopping: Promise<void> | undefined;
    let next = 0;
    let answeredBeforeStop: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < WHILE_DOWN[0]) {
          const index = next++;
          await post(index);
          answeredWhileUp.push(index);
          if (answeredWhileUp.length === STOP_AFTER) {
            answeredBeforeStop = [...answeredWhileUp];
            stopping = (dynamoDb as DynamoDbLocal).stop();
          }
        }
      }),
    );
    await stopping;
    expect(answeredBeforeStop).toHaveLength(STOP_AFTER);
    expect(answeredBeforeStop.map((index) => answers[index])).toEqual(new Array(STOP_AFTER).fill(200));

    // Down: every webhook is refused with a 5xx, so that Meta redelivers it.
    for (let index = WHILE_DOWN[0]; index < WHILE_DOWN[1]; index++) expect(await post(index)).toBe(500);

    // Up again, on the same port and data folder: what was acknowledged before is still there.
    dynamoDb = await startDynamoDbLocal({ port, dbPath: dataDir });
    for (let index = WHILE_DOWN[1]; index < WEBHOOKS; index++) expect(await post(index)).toBe(200);

    expect(answers.every((status) => status === 200 || status === 500)).toBe(true);
    const refused = answers.flatMap((status, index) => (status === 200 ? [] : [index]));
    expect(refused.length).toBeGreaterThanOrEqual(WHILE_DOWN[1] - WHILE_DOWN[0]);

    // Every acknowledged event is stored, before any redelivery.
    const acknowledged = webhooks.filter((_, index) => answers[index] === 200);
    const storedBefore = await readAll(acknowledged.flatMap((w) => w.inbound.map((m) => keys.message(m.id))));
    expect(storedBefore.size).toBe(acknowledged.length * 2);
    const deliveredBefore = await readAll(acknowledged.map((w) => keys.message(w.delivered)));
    for (const webhook of acknowledged) {
      expect(deliveredBefore.get(keys.message(webhook.delivered).pk)?.held).toHaveProperty('messageUnit');
    }

    // Meta redelivers every refused webhook (bounded tries), and one acknowledged one as it sometimes does.
    for (const index of [...refused, 0]) {
      let status = 0;
      for (let attempt = 0; attempt < 3 && status !== 200; attempt++) status = await post(index);
      expect(status).toBe(200);
    }

    const allInbound = webhooks.flatMap((w) => w.inbound);
    const stored = await readAll(allInbound.map((m) => keys.message(m.id)));
    expect(stored.size).toBe(allInbound.length);
    const latest = new Map<string, number>();
    for (const m of allInbound) latest.set(m.from, Math.max(latest.get(m.from) ?? 0, m.timestamp));
    const windows = await readAll([...latest.keys()].map((waId) => keys.window(phoneNumberId, waId)));
    for (const [waId, timestamp] of latest) {
      expect(windows.get(keys.window(phoneNumberId, waId).pk)?.lastInboundAt).toBe(timestamp);
    }

    const messages = await readAll(outbound.map((m) => keys.message(m.id)));
    for (const { id } of outbound) {
      const item = messages.get(keys.message(id).pk);
      expect(item?.held).toHaveProperty('messageUnit');
      expect(item?.held).toHaveProperty('conversation');
    }
    const days = new Set(webhooks.map((_, i) => utcDay(T + i)));
    // One unit per delivered message and per conversation: nothing counted twice across the failures.
    expect(await unitsOf(phoneNumberId, days)).toEqual({ message: WEBHOOKS, conversation: WEBHOOKS });
  }, 180_000);
});
