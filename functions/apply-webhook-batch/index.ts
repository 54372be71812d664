import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { documentClient } from '#clients/dynamodb';
import * as config from '#commons/config';
import { injectLambdaContext, logger } from '#commons/logger';
import { systemClock } from '#domain/time';
import { dynamoDbIngestionStores } from '#ingestion/dynamodb-ingestion-stores';
import type { IngestionStores } from '#ingestion/ingest-webhook';
import { applyWebhookChunk } from '#ingestion/webhook-batch';
import { chunkOfRecord } from '#ingestion/webhook-batch-record';

export interface ApplyBatchDeps {
  stores: IngestionStores;
  retentionDays: number;
  concurrency: number;
}

/**
 * apply-webhook-batch: fed by the table's stream (inserted webhook batch chunks only), it applies
 * each chunk of a big POST with the webhook's own ingestion code. A chunk that fails is reported
 * (ReportBatchItemFailures), so the stream retries from it; chunks are applied in order and the
 * rest of the batch waits for that retry. Applying a chunk twice is harmless: every write of the
 * ingestion is idempotent, which is what makes a kill mid-chunk safe.
 */
export const createHandler = (deps: () => ApplyBatchDeps) =>
  middy<DynamoDBStreamEvent, DynamoDBBatchResponse>(async (event: DynamoDBStreamEvent) => {
    for (const record of event.Records) {
      const chunk = chunkOfRecord(record);
      if (!chunk) continue;
      const { stores, retentionDays, concurrency } = deps();
      try {
        const summary = await applyWebhookChunk(chunk, { stores, retentionDays, concurrency });
        logger.info('webhook batch chunk applied', {
          batch: chunk.batchId,
          chunk: chunk.chunk,
          lagSeconds: systemClock() - chunk.receivedAt,
          ...summary,
        });
      } catch (error) {
        logger.error('webhook batch chunk not applied; the stream retries it', {
          batch: chunk.batchId,
          chunk: chunk.chunk,
          error: error as Error,
        });
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  }).use(injectLambdaContext(logger, { resetKeys: true }));

let defaults: ApplyBatchDeps | undefined;

/** Its dependencies are made on the first chunk: loading the module reads no setting. */
export const handler = createHandler(() => {
  defaults ??= {
    stores: dynamoDbIngestionStores(documentClient, config.tableName(), config.retentionDays()),
    retentionDays: config.retentionDays(),
    concurrency: config.ingestionConcurrency(),
  };
  return defaults;
});
