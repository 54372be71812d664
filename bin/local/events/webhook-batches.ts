/**
 * The apply-webhook-batch function in the local stack: a consumer of the one local stream reader
 * (start-events.ts) with its own position, as Lambda's event source mapping feeds it on AWS (where
 * a filter passes only inserted batch chunks; the handler skips every other record itself).
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { lambdaContext } from '../lambda-context.ts';
import { startStreamReader, type StreamReaderStart } from './start-events.ts';
import type { LocalStreamReader, StreamConsumer } from './stream-reader.ts';

/**
 * The handler as the stream reader calls it, writing to `tableName` (the local stack's table, or a
 * test's own); its client is the handlers' shared one, on DYNAMODB_ENDPOINT.
 */
const webhookBatchHandler = async (tableName: string) => {
  const { createHandler } = await import('../../../functions/apply-webhook-batch/index.ts');
  const { documentClient } = await import('../../../functions/commons/clients/dynamodb.ts');
  const { config } = await import('../../../functions/commons/config.ts');
  const { dynamoDbIngestionStores } = await import('../../../functions/commons/ingestion/dynamodb-ingestion-stores.ts');
  const deps = {
    stores: dynamoDbIngestionStores(documentClient, tableName, config.retentionDays),
    retentionDays: config.retentionDays,
    concurrency: config.ingestionConcurrency,
  };
  const handler = createHandler(() => deps);
  return (event: DynamoDBStreamEvent) =>
    handler(event, lambdaContext('apply-webhook-batch', { memoryMB: 1769, timeoutMs: 60_000 }));
};

/**
 * The consumer of the stream: applies the chunks, and logs each applied one itself, whatever the
 * function's log level.
 */
export const webhookBatchConsumer = async (
  tableName: string,
  log: (entry: Record<string, unknown>) => void,
): Promise<StreamConsumer> => {
  const apply = await webhookBatchHandler(tableName);
  const { chunkOfRecord } = await import('../../../functions/commons/ingestion/webhook-batch-record.ts');
  const handler = async (event: DynamoDBStreamEvent) => {
    const result = await apply(event);
    const failed = result.batchItemFailures[0]?.itemIdentifier;
    for (const record of event.Records) {
      if (failed !== undefined && record.dynamodb?.SequenceNumber === failed) break;
      const chunk = chunkOfRecord(record);
      if (chunk) log({ message: 'webhook batch chunk applied', batch: chunk.batchId, chunk: chunk.chunk });
    }
    return result;
  };
  // A chunk of 250 events is a large record: a few per call keep one delivery short.
  return { name: 'webhook-batches', handler, batchSize: 10 };
};

/**
 * The consumer alone on a reader (webhook-batches-main.ts, the tests), its checkpoint its own:
 * in `npm start` it is one more consumer of the stack's reader instead.
 */
export const startWebhookBatches = async (options: StreamReaderStart): Promise<LocalStreamReader> =>
  startStreamReader('webhook-batches', [await webhookBatchConsumer(options.tableName, options.log)], options);
