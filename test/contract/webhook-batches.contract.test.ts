import { randomUUID } from 'node:crypto';
import { toWebhookBatchItem } from '#store/dynamodb-webhook-batches';
import { webhookBatchItem } from '#store/items/webhook-batch';
import type { WebhookBatchChunk } from '#store/webhook-batches';
import { adapters } from '../support/adapters.ts';

const T = 1_760_000_000;

const chunks = (batchId: string, count: number): WebhookBatchChunk[] =>
  Array.from({ length: count }, (_, chunk) => ({
    batchId,
    chunk,
    chunks: count,
    events: 10 + chunk,
    receivedAt: T,
    payload: new Uint8Array([31, 139, chunk]),
    retainUntil: T + 100,
  }));

describe.each(adapters)('WebhookBatches %s', (_, adapter) => {
  const { stores, item } = adapter();

  it('writes each chunk once, the chunks of a POST in one partition, with its retention', async () => {
    const batchId = randomUUID().replaceAll('-', '');
    const batch = chunks(batchId, 3);
    expect(await stores.batches.accept(batch)).toEqual({ written: 3, already: 0 });
    for (const chunk of batch) {
      const stored = await item(webhookBatchItem.key(batchId, chunk.chunk));
      expect(stored).toEqual({ ...toWebhookBatchItem(chunk), payload: expect.anything() });
      expect(Buffer.from(stored?.payload as Uint8Array)).toEqual(Buffer.from(chunk.payload));
      expect(stored).toMatchObject({
        pk: `WEBHOOK_BATCH#${batchId}`,
        sk: `CHUNK#00${chunk.chunk}`,
        expiresAt: T + 100,
      });
    }
  });

  it('recognises chunks a previous delivery wrote and writes only the missing ones', async () => {
    const batchId = randomUUID().replaceAll('-', '');
    const batch = chunks(batchId, 3);
    expect(await stores.batches.accept(batch.slice(0, 1))).toEqual({ written: 1, already: 0 });
    expect(await stores.batches.accept(batch)).toEqual({ written: 2, already: 1 });
    expect(await stores.batches.accept(batch)).toEqual({ written: 0, already: 3 });
  });
});
