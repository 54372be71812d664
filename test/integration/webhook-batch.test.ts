import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebhookBatches } from '../../bin/local/events/webhook-batches.ts';
import type { LocalStreamReader } from '../../bin/local/events/stream-reader.ts';
import { MAX_CHUNK_EVENTS } from '#ingestion/webhook-batch';
import { testDocumentClient, uniquePhoneNumberId } from '#test/environment';
import { clientFailingOnce } from '#test/webhook';
import {
  backlogPost,
  batchChunks,
  eventually,
  freshTable,
  ingestedState,
  messageCount,
  webhookOn,
} from '#test/big-webhook';

/**
 * A big POST is answered once its events are stored as batch chunks, and the local stream reader
 * applies them with apply-webhook-batch: the table ends exactly as the synchronous path leaves it.
 */
describe('a webhook POST above the deferral threshold', () => {
  const now = Math.floor(Date.now() / 1000);
  const readers: LocalStreamReader[] = [];
  afterAll(async () => {
    for (const reader of readers) await reader.stop();
  });

  /** Starts the local applier on the table; resolves once it has applied `chunks` chunks. */
  const applyAll = async (table: string, chunks: number) => {
    let applied = 0;
    const reader = await startWebhookBatches({
      endpoint: process.env.DYNAMODB_ENDPOINT as string,
      tableName: table,
      checkpointFile: join(tmpdir(), `${table}.batches.json`),
      retryMs: 100,
      log: (entry) => {
        if (entry.message === 'webhook batch chunk applied') applied++;
      },
    });
    readers.push(reader);
    return eventually(async () => applied >= chunks, 150_000);
  };

  it('answers 200 at once and is applied from the stream exactly as the synchronous path applies it', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const post = backlogPost({ phoneNumberId, now, users: 50, inbound: 150, templates: 50 });
    const [reference, deferred] = [await freshTable('batch-sync'), await freshTable('batch-deferred')];
    const client = testDocumentClient();
    await post.seed(client, reference);
    await post.seed(client, deferred);

    const synchronous = await webhookOn(reference, { now })(post.body);
    expect(synchronous).toMatchObject({ status: 200, body: { received: 300, inbound: 150, statuses: 150 } });

    const answer = await webhookOn(deferred, { now, aboveEvents: 299 })(post.body);
    expect(answer).toEqual({
      status: 200,
      body: { received: 300, deferred: 300, duplicates: 0, chunks: Math.ceil(300 / MAX_CHUNK_EVENTS) },
    });
    // Answered, not yet applied: only the seeded template messages are there.
    expect(await messageCount(deferred)).toBe(50);
    // At most MAX_CHUNK_EVENTS a chunk, plus the few statuses that stay with their message's first.
    const sizes = (await batchChunks(deferred)).map((chunk) => Number(chunk.events));
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(300);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(MAX_CHUNK_EVENTS + 2);

    expect(await applyAll(deferred, 2)).toBe(true);
    expect(await messageCount(deferred)).toBe(200);
    expect(await ingestedState(deferred)).toEqual(await ingestedState(reference));
  }, 240_000);

  it('applies a POST at the threshold synchronously and one event above it deferred', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const table = await freshTable('batch-threshold');
    const post = backlogPost({ phoneNumberId, now, users: 5, inbound: 10, templates: 0 });
    const at = await webhookOn(table, { now, aboveEvents: 10 })(post.body);
    expect(at.body).toMatchObject({ received: 10, inbound: 10 });
    const above = await webhookOn(table, { now, aboveEvents: 9 })(
      backlogPost({ phoneNumberId, now, users: 5, inbound: 10, templates: 0 }).body,
    );
    expect(above.body).toMatchObject({ received: 10, deferred: 10, chunks: 1 });
  });

  it('recognises a redelivery, and completes a POST whose chunks were only partly written', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const post = backlogPost({ phoneNumberId, now, users: 100, inbound: 300, templates: 100 });
    const [reference, deferred] = [await freshTable('batch-ref'), await freshTable('batch-partial')];
    await post.seed(testDocumentClient(), reference);
    await post.seed(testDocumentClient(), deferred);
    await webhookOn(reference, { now })(post.body);

    // The second chunk's write fails: Meta gets a 500 and redelivers.
    const faulty = clientFailingOnce(
      (command) =>
        command.constructor.name === 'PutCommand' &&
        (command.input as { Item?: { sk?: string } }).Item?.sk === 'CHUNK#001',
    );
    const failed = await webhookOn(deferred, { now, aboveEvents: 50, client: faulty.client })(post.body);
    expect(faulty.failed()).toBe(true);
    expect(failed.status).toBe(500);
    // The first chunk is written; the failure stopped the others.
    expect(await batchChunks(deferred)).toHaveLength(1);

    const redelivered = await webhookOn(deferred, { now, aboveEvents: 50 })(post.body);
    expect(redelivered.body).toMatchObject({ received: 600, deferred: 600, chunks: 3 });
    const again = await webhookOn(deferred, { now, aboveEvents: 50 })(post.body);
    expect(again.body).toMatchObject({ received: 600, deferred: 0, duplicates: 600, chunks: 3 });
    expect(await batchChunks(deferred)).toHaveLength(3);

    expect(await applyAll(deferred, 3)).toBe(true);
    expect(await messageCount(deferred)).toBe(400);
    expect(await ingestedState(deferred)).toEqual(await ingestedState(reference));
  }, 240_000);
});
