import type { EpochSeconds } from '#domain/time';
import type { TableKey } from '../table-schema';
import type { WebhookBatchChunk } from '../webhook-batches';
import { declare, padded } from './declaration';

/**
 * One chunk of a big webhook POST, accepted and answered before it is applied: the parsed events,
 * gzipped, applied later from the table's stream by the same ingestion code. Its key is the
 * digest of the POST's raw body and the chunk's place in it, so Meta's redelivery of the same POST
 * finds every chunk already there (one conditional write each) and nothing is applied twice.
 * The chunks of one POST share a partition and are written in order, so the stream hands them to
 * the processor in the POST's order (Lambda keeps the order of records with one partition key),
 * as the synchronous path would apply them; different POSTs are applied side by side.
 */
export type WebhookBatchItem = TableKey &
  Omit<WebhookBatchChunk, 'retainUntil'> & {
    format: 1;
    /** the chunk's retainUntil, DynamoDB's TTL attribute */
    expiresAt: EpochSeconds;
  };

export const webhookBatchItem = declare({
  kind: 'webhook-batch',
  pk: { prefix: 'WEBHOOK_BATCH#', of: (batchId: string) => batchId },
  sk: { prefix: 'CHUNK#', of: (_batchId: string, chunk: number) => padded(chunk, 3) },
  ttl: 'expiresAt',
  accessPatterns: [
    /** PutItem if absent: a redelivered POST's chunk is recognised, not written again */
    'accept',
    /** the stream's INSERT image: applied by the apply-webhook-batch function */
    'apply',
  ],
});

export const toWebhookBatchItem = (chunk: WebhookBatchChunk): WebhookBatchItem => ({
  ...webhookBatchItem.key(chunk.batchId, chunk.chunk),
  batchId: chunk.batchId,
  chunk: chunk.chunk,
  chunks: chunk.chunks,
  events: chunk.events,
  receivedAt: chunk.receivedAt,
  payload: chunk.payload,
  format: 1,
  expiresAt: chunk.retainUntil,
});
