import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { DAY, utcDay } from '#domain/time';
import { recordSentMessage } from '#send/record-sent-message';
import { DynamoDbContactStore } from '#store/dynamodb-contact-store';
import { DynamoDbMessageLedger } from '#store/dynamodb-message-ledger';
import { AGGREGATE_SHARDS, keys } from '#store/keys';
import { signBody } from '#webhook/signature';
import * as payloads from '../test/fixtures/payloads.ts';
import { BENCH, benchEnv, nowSeconds, withTimeout } from './env.ts';

export interface LoadOptions {
  /** seconds */
  duration: number;
  connections: number;
  /** distinct signed bodies built up front */
  bodies: number;
  /** users the bodies rotate over */
  users: number;
  inboundPerBody: number;
}

export interface LoadResult {
  options: LoadOptions;
  requests: number;
  /** answered 2xx */
  acknowledged: number;
  requestsPerSecond: number;
  eventsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** non-2xx answers, connection errors, timeouts */
  errors: { non2xx: number; errors: number; timeouts: number };
  /** bodies were exhausted and reused (then Meta-style redeliveries): should stay false */
  wrapped: boolean;
  check: {
    inboundAcknowledged: number;
    statusesAcknowledged: number;
    /** acknowledged events missing from the table */
    lost: number;
    /** windows not at the latest stored message of their user (the server drains its work before the check) */
    wrongWindows: number;
    /** aggregate units beyond what the messages hold (a unit counted twice), or missing */
    messageUnits: { stored: number; held: number };
    conversationUnits: { stored: number; held: number };
    /** users holding more than one conversation although every delivery fell in the first one's 24 h */
    usersWithSeveralConversations: number;
    duplicated: number;
  };
  seedMs: number;
  verifyMs: number;
}

interface Body {
  json: string;
  signature: string;
  inbound: Array<{ id: string; from: string; timestamp: number }>;
  statuses: Array<{ id: string; status: string }>;
}

const root = fileURLToPath(new URL('..', import.meta.url));

/** The local server in its own process (bench/load-server.ts), on the bench's DynamoDB Local. */
const startServerProcess = async (endpoint: string) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load-server.ts'], {
    cwd: root,
    env: { ...process.env, ...benchEnv(endpoint) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await withTimeout(
    new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the load server exited with ${code}`)));
      lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    }),
    60_000,
    'the load server',
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin.end();
    const gone = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 40_000))]);
    if (!gone) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return { url, stop };
};

const chunk = <T>(items: T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
};

const pool = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

/**
 * autocannon against POST /webhook of the local server, each request a distinct signed body (a
 * batch of inbound messages and a delivery status of a template the send API recorded, and every
 * fifth a `read` of an earlier one), then a check that every acknowledged event is stored once.
 */
export const runLoad = async (endpoint: string, options: LoadOptions): Promise<LoadResult> => {
  const base = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  const stores = {
    contacts: new DynamoDbContactStore(client, BENCH.tableName),
    messages: new DynamoDbMessageLedger(client, BENCH.tableName),
  };
  const phoneNumberId = BENCH.loadPhoneNumberId;
  const users = Array.from({ length: options.users }, (_, i) => String(17770000000 + i));
  const start = nowSeconds() - 6 * 3600;
  // Times advance with the body index (10 bodies a second), so a user's events are in order of bodies.
  const at = (index: number) => start + Math.floor(index / 10);

  // The template messages whose deliveries the bodies carry, recorded as the send API records them.
  const outbound = Array.from({ length: options.bodies }, (_, i) => ({
    id: payloads.wamid(),
    to: users[i % users.length] as string,
  }));
  const seedStarted = performance.now();
  const contacts = new Map<string, Awaited<ReturnType<typeof stores.contacts.resolveContact>>>();
  for (const waId of users) contacts.set(waId, await stores.contacts.resolveContact(phoneNumberId, { waId }));
  await withTimeout(
    pool(outbound, 32, async ({ id, to }) => {
      await recordSentMessage(
        stores,
        {
          id,
          contact: contacts.get(to) as NonNullable<ReturnType<typeof contacts.get>>,
          kind: 'template',
          templateName: 'bench_offer',
          templateCategory: 'marketing',
        },
        nowSeconds() + 30 * DAY,
      );
    }),
    300_000,
    'seeding outbound messages',
  );
  const seedMs = performance.now() - seedStarted;

  const bodies: Body[] = outbound.map(({ id, to }, i) => {
    const inbound = Array.from({ length: options.inboundPerBody }, (_, k) => {
      const from = users[(i * options.inboundPerBody + k + 7) % users.length] as string;
      return { id: payloads.wamid(), from, timestamp: at(i) };
    });
    const statuses = [{ id, status: 'delivered', to, timestamp: at(i) }];
    const earlier = outbound[i - 3];
    if (i % 5 === 0 && earlier) statuses.push({ id: earlier.id, status: 'read', to: earlier.to, timestamp: at(i) });
    const json = JSON.stringify(
      payloads.webhookBody(
        payloads.messagesChange({
          phoneNumberId,
          contacts: inbound.map((m) => payloads.contact({ waId: m.from, name: 'Load' })),
          messages: inbound.map((m) =>
            payloads.textMessage('Load test', { id: m.id, from: m.from, timestamp: m.timestamp }),
          ),
          statuses: statuses.map((s) =>
            payloads.statusUpdate({ id: s.id, status: s.status, recipientId: s.to, timestamp: s.timestamp }),
          ),
        }),
      ),
    );
    return { json, signature: signBody(json, BENCH.appSecret), inbound, statuses };
  });

  const server = await startServerProcess(endpoint);
  const answers = new Int16Array(bodies.length); // 0: no answer
  let next = 0;
  let wrapped = false;
  let result: autocannon.Result;
  try {
    result = await withTimeout(
      autocannon({
        url: server.url,
        connections: options.connections,
        duration: options.duration,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: '/webhook',
            setupRequest: (request, context) => {
              const index = next++ % bodies.length;
              if (next > bodies.length) wrapped = true;
              (context as { index?: number }).index = index;
              const body = bodies[index] as Body;
              return {
                ...request,
                body: body.json,
                headers: { 'content-type': 'application/json', 'x-hub-signature-256': body.signature },
              };
            },
            onResponse: (status, _body, context) => {
              const index = (context as { index?: number }).index;
              if (index !== undefined && (answers[index] === 0 || status < 300)) answers[index] = status;
            },
          },
        ],
      }),
      (options.duration + 60) * 1000,
      'autocannon',
    );
  } finally {
    await server.stop();
  }

  // The check: read back what was sent, acknowledged or not.
  const verifyStarted = performance.now();
  const acked = bodies.filter((_, i) => (answers[i] ?? 0) >= 200 && (answers[i] ?? 0) < 300);
  const sentBodies = bodies.slice(0, Math.min(next, bodies.length));
  const readItems = async (keyList: Array<{ pk: string; sk: string }>) => {
    const items = new Map<string, Record<string, unknown>>();
    await pool(chunk(keyList, 100), 8, async (keyChunk) => {
      let request: Record<string, { Keys: Array<Record<string, unknown>>; ConsistentRead: boolean }> | undefined = {
        [BENCH.tableName]: { Keys: keyChunk, ConsistentRead: true },
      };
      for (let attempt = 0; request && Object.keys(request).length > 0 && attempt < 20; attempt++) {
        const answer = await client.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of answer.Responses?.[BENCH.tableName] ?? []) items.set(String(item.pk), item);
        request = answer.UnprocessedKeys as typeof request;
      }
    });
    return items;
  };
  const sentInbound = sentBodies.flatMap((body) => body.inbound);
  const storedInbound = await readItems(sentInbound.map((m) => keys.message(m.id)));
  const ackedInbound = acked.flatMap((body) => body.inbound);
  const lostInbound = ackedInbound.filter((m) => !storedInbound.has(keys.message(m.id).pk)).length;

  const latest = new Map<string, number>();
  for (const m of sentInbound) {
    if (storedInbound.has(keys.message(m.id).pk)) latest.set(m.from, Math.max(latest.get(m.from) ?? 0, m.timestamp));
  }
  const windows = await readItems([...latest.keys()].map((waId) => keys.window(phoneNumberId, waId)));
  let wrongWindows = 0;
  for (const [waId, timestamp] of latest) {
    if (Number(windows.get(keys.window(phoneNumberId, waId).pk)?.lastInboundAt) !== timestamp) wrongWindows++;
  }

  const messages = await readItems(outbound.map((m) => keys.message(m.id)));
  const ackedStatuses = acked.flatMap((body) => body.statuses);
  const heldOf = (id: string) =>
    (messages.get(keys.message(id).pk)?.held ?? {}) as { messageUnit?: unknown; conversation?: { id: string } };
  const lostStatuses = ackedStatuses.filter((s) => heldOf(s.id).messageUnit === undefined).length;
  let heldMessageUnits = 0;
  const conversationsOf = new Map<string, number>();
  const days = new Set<string>();
  for (const { id, to } of outbound) {
    const held = heldOf(id);
    if (held.messageUnit) heldMessageUnits++;
    if (held.conversation) conversationsOf.set(to, (conversationsOf.get(to) ?? 0) + 1);
  }
  for (let i = 0; i < bodies.length; i++) days.add(utcDay(at(i)));
  const heldConversationUnits = [...conversationsOf.values()].reduce((sum, n) => sum + n, 0);
  const stored = { message: 0, conversation: 0 };
  for (const day of days) {
    for (let shard = 0; shard < AGGREGATE_SHARDS; shard++) {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: BENCH.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.aggregatePartition(day, shard) },
            ConsistentRead: true,
            ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
          }),
        );
        for (const item of page.Items ?? []) {
          if (item.phoneNumberId !== phoneNumberId) continue;
          if (item.kind === 'message') stored.message += Number(item.units);
          if (item.kind === 'conversation') stored.conversation += Number(item.units);
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }
  }
  base.destroy();
  const verifyMs = performance.now() - verifyStarted;
  const usersWithSeveralConversations = [...conversationsOf.values()].filter((n) => n > 1).length;

  const events = (body: Body) => body.inbound.length + body.statuses.length;
  const ackedEvents = acked.reduce((sum, body) => sum + events(body), 0);
  return {
    options,
    requests: result.requests.total,
    acknowledged: acked.length,
    requestsPerSecond: Math.round(result.requests.average),
    eventsPerSecond: Math.round(ackedEvents / result.duration),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    errors: { non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts },
    wrapped,
    check: {
      inboundAcknowledged: ackedInbound.length,
      statusesAcknowledged: ackedStatuses.length,
      lost:
        lostInbound +
        lostStatuses +
        Math.max(0, heldMessageUnits - stored.message) +
        Math.max(0, heldConversationUnits - stored.conversation),
      wrongWindows,
      messageUnits: { stored: stored.message, held: heldMessageUnits },
      conversationUnits: { stored: stored.conversation, held: heldConversationUnits },
      usersWithSeveralConversations,
      duplicated:
        Math.max(0, stored.message - heldMessageUnits) +
        Math.max(0, stored.conversation - heldConversationUnits) +
        usersWithSeveralConversations,
    },
    seedMs: Math.round(seedMs),
    verifyMs: Math.round(verifyMs),
  };
};
