/**
 * The emulation's handler process (started by emulation.ts): the real webhook handler, its
 * DynamoDB client pointed at the latency proxy (DYNAMODB_ENDPOINT), invoked in this process one
 * request at a time, so `process.cpuUsage()` around a call is that call's CPU and nothing else's.
 * Seeding (the send API's records a status needs) goes straight to DynamoDB Local
 * (EMULATION_SEED_ENDPOINT), outside the measured calls. Prints one JSON line: the samples.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { documentClient } from '#clients/dynamodb';
import { dynamoDbIngestionStores } from '#ingestion/dynamodb-ingestion-stores';
import { recordSentMessage } from '#send/record-sent-message';
import { DynamoDbWebhookBatches } from '#store/dynamodb-webhook-batches';
import { createHandler } from '../functions/webhook/index.ts';
import { tableStores } from '../test/support/stores.ts';
import { backlogPost } from '../test/support/big-webhook.ts';
import * as payloads from '../test/fixtures/payloads.ts';
import { BENCH, nowSeconds, signedWebhookEvent } from './env.ts';

export interface CallSample {
  wallMs: number;
  cpuMs: number;
}

export interface WorkerOptions {
  singles: number;
  rounds: number;
  updates: number;
  /** the deferral threshold of the deferred side */
  aboveEvents: number;
  /** ingestion concurrencies tried on the big POST applied in the request (the socket pool is larger) */
  sweep: number[];
}

export interface WorkerResult {
  inbound: CallSample[];
  delivered: CallSample[];
  /** per round: the same-sized POST applied synchronously, then deferred (A B A B) */
  bigRounds: Array<{ synchronous: CallSample; deferred: CallSample }>;
  requests: { synchronous: number; deferred: number };
  /** big POSTs answered 500 and redelivered, as Meta would */
  redeliveries?: number;
  /** the big POST applied in the request at each ingestion concurrency of the sweep */
  concurrency: Array<{ concurrency: number } & CallSample>;
}

const options = JSON.parse(process.env.EMULATION_OPTIONS ?? '{}') as WorkerOptions;
const tableName = process.env.TABLE_NAME as string;
const seedClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: process.env.EMULATION_SEED_ENDPOINT as string,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);
const seedStores = tableStores(seedClient, tableName);

const stores = dynamoDbIngestionStores(documentClient, tableName, 30);
const secrets = async () => ({ appSecret: BENCH.appSecret });
const synchronous = createHandler({ stores, clock: nowSeconds, secrets, retentionDays: 30 });
const deferred = createHandler({
  stores,
  clock: nowSeconds,
  secrets,
  retentionDays: 30,
  deferral: { batches: new DynamoDbWebhookBatches(documentClient, tableName), aboveEvents: options.aboveEvents },
});

/** Requests the handler's client sent (the proxy counts them too; this is per side). */
let requests = 0;
documentClient.middlewareStack.add(
  (next) => (args) => {
    requests++;
    return next(args);
  },
  { step: 'initialize', name: 'emulationRequestCount' },
);

/** Time to the 200 and the CPU it took, for one call of the handler. */
const call = async (handler: typeof synchronous, payload: unknown): Promise<CallSample> => {
  const request = signedWebhookEvent(payload, 'emulation');
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = (await handler(request, {
    awsRequestId: 'emulation',
  } as Context)) as APIGatewayProxyStructuredResultV2;
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (result.statusCode !== 200) throw new Error(`webhook answered ${result.statusCode}: ${result.body}`);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
};

/** Redeliveries Meta made (a 500 on a loaded machine: writes contending); the answered attempt is the sample. */
let redeliveries = 0;
const callAsMeta = async (handler: typeof synchronous, payload: unknown): Promise<CallSample> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(handler, payload);
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('answered 500')) throw error;
      redeliveries++;
    }
  }
};

const phoneNumberId = BENCH.phoneNumberId;
/** Calls of each single-event path before the samples (not measured). */
const WARM_UP = 30;
const inboundPayload = (from: string) =>
  payloads.webhookBody(
    payloads.messagesChange({
      phoneNumberId,
      messages: [payloads.textMessage('Is my order ready?', { from, timestamp: nowSeconds() })],
    }),
  );

const seedTemplate = async (id: string, waId: string) => {
  const contact = await seedStores.contacts.resolveContact(phoneNumberId, { waId });
  await recordSentMessage(
    seedStores,
    { id, contact, kind: 'template', templateName: 'bench_offer', templateCategory: 'marketing' },
    nowSeconds() + 30 * 86_400,
  );
};

const run = async (): Promise<WorkerResult> => {
  const result: WorkerResult = {
    inbound: [],
    delivered: [],
    bigRounds: [],
    requests: { synchronous: 0, deferred: 0 },
    concurrency: [],
  };
  // Single events, interleaved: a new user's message (window + message), a delivery opening a conversation.
  const singles = async (count: number, firstUser: number) => {
    const samples = { inbound: [] as CallSample[], delivered: [] as CallSample[] };
    for (let i = firstUser; i < firstUser + count; i++) {
      samples.inbound.push(await call(synchronous, inboundPayload(`4917${String(i)}`)));
      const waId = `4916${String(i)}`;
      const id = payloads.wamid();
      await seedTemplate(id, waId);
      const status = payloads.statusUpdate({ id, status: 'delivered', timestamp: nowSeconds(), recipientId: waId });
      samples.delivered.push(
        await call(synchronous, payloads.webhookBody(payloads.messagesChange({ phoneNumberId, statuses: [status] }))),
      );
    }
    return samples;
  };
  // Warm-up of both paths: module init, connections, JIT, as a container serving Meta's traffic has them.
  await singles(WARM_UP, 9_000_000);
  Object.assign(result, await singles(options.singles, 1_000_000));

  // Big POSTs, A B A B: the same shape of POST for fresh users, applied synchronously then deferred.
  const templates = Math.round(options.updates / 5);
  const inbound = options.updates - templates * 3;
  /** The same shape of POST for 100 fresh users from `firstUser` on, its send records seeded. */
  const seededPost = async (firstUser: number) => {
    const post = backlogPost({ phoneNumberId, now: nowSeconds(), users: 100, inbound, templates, firstUser });
    await post.seed(seedClient, tableName);
    return post;
  };
  for (let round = 0; round < options.rounds; round++) {
    const sample = async (handler: typeof synchronous, offset: number) => {
      const post = await seededPost(offset);
      const before = requests;
      const taken = await callAsMeta(handler, post.body);
      return { taken, requests: requests - before };
    };
    const a = await sample(synchronous, 100_000 + round * 1000);
    const b = await sample(deferred, 500_000 + round * 1000);
    result.bigRounds.push({ synchronous: a.taken, deferred: b.taken });
    result.requests = { synchronous: a.requests, deferred: b.requests };
  }
  // The ingestion concurrency: the same POST shape at each setting, one after the other.
  for (const [index, concurrency] of options.sweep.entries()) {
    const handler = createHandler({ stores, clock: nowSeconds, secrets, retentionDays: 30, concurrency });
    const post = await seededPost(800_000 + index * 1000);
    result.concurrency.push({ concurrency, ...(await callAsMeta(handler, post.body)) });
  }
  result.redeliveries = redeliveries;
  return result;
};

run()
  .then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  })
  .catch((error: unknown) => {
    process.stderr.write(
      `emulation worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
