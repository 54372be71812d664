import type { EpochSeconds } from '#domain/time';

/** One chunk of a big webhook POST, to be applied later from the table's stream. */
export interface WebhookBatchChunk {
  /** sha256 of the POST's raw body (hex, 32 characters): the same POST redelivered has the same id */
  batchId: string;
  chunk: number;
  chunks: number;
  /** events in this chunk */
  events: number;
  /** when the POST was received: the ingestion's `now` when the chunk is applied */
  receivedAt: EpochSeconds;
  /** gzip of the chunk's parsed events as JSON */
  payload: Uint8Array;
  /** when DynamoDB's TTL may delete the chunk (the message retention) */
  retainUntil: EpochSeconds;
}

export interface AcceptedBatch {
  /** chunks written now */
  written: number;
  /** chunks a previous delivery of the same POST had written already */
  already: number;
}

/** Where big webhook POSTs are kept durably between their 200 and their application. */
export interface WebhookBatches {
  /** writes each chunk unless it exists (one conditional write each), in order, stopping at a failure */
  accept(chunks: readonly WebhookBatchChunk[]): Promise<AcceptedBatch>;
}
