/**
 * The apply-webhook-batch function in the local stack: the same local stream reader that feeds
 * publish-events hands DynamoDB Local's stream to it, as Lambda's event source mapping does on
 * AWS (where a filter passes only inserted batch chunks; the handler skips every other record
 * itself). Its own checkpoint file, so the two consumers move independently, as two event
 * source mappings do.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { localClient } from '../dynamodb-local.ts';
import { LocalStreamReader } from './stream-reader.ts';

export interface WebhookBatchOptions {
  endpoint: string;
  tableName: string;
  /** DYNAMODB_DATA_DIR: the checkpoint is kept beside the data, so both survive a restart */
  dataDir?: string;
  checkpointFile?: string;
  log: (entry: Record<string, unknown>) => void;
  /** wait after a failed chunk before the stream retries it */
  retryMs?: number;
}

const context = (): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'apply-webhook-batch',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:apply-webhook-batch',
  memoryLimitInMB: '1769',
  awsRequestId: `local-${Date.now()}`,
  logGroupName: '/aws/lambda/apply-webhook-batch',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/**
 * The handler as the stream reader calls it, writing to `tableName` (the local stack's table, or a
 * test's own); its client is the handlers' shared one, on DYNAMODB_ENDPOINT.
 */
export const webhookBatchHandler = async (tableName: string) => {
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
  return (event: DynamoDBStreamEvent) => handler(event, context());
};

/**
 * The consumer of the stream (a name and its handler, as the local stream reader calls a Lambda):
 * applies the chunks, and logs each applied one itself, whatever the function's log level.
 */
export const webhookBatchConsumer = async (
  tableName: string,
  log: (entry: Record<string, unknown>) => void,
): Promise<{ name: string; handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> }> => {
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
  return { name: 'webhook-batches', handler };
};

/** A stream reader of its own for the consumer (npm start, webhook-batches-main.ts, the tests). */
export const startWebhookBatches = async (options: WebhookBatchOptions): Promise<LocalStreamReader> => {
  const { handler } = await webhookBatchConsumer(options.tableName, options.log);
  const checkpointFile =
    options.checkpointFile ??
    (options.dataDir
      ? join(options.dataDir, 'webhook-batches-checkpoint.json')
      : join(tmpdir(), `whatsapp-session-engine-webhook-batches-${options.tableName}.json`));
  const reader = new LocalStreamReader({
    dynamoDb: localClient(options.endpoint),
    streams: new DynamoDBStreamsClient({
      endpoint: options.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    }),
    tableName: options.tableName,
    checkpointFile,
    // A chunk of 250 events is a large record: a few per read keep one delivery short.
    batchSize: 10,
    ...(options.retryMs ? { retryMs: options.retryMs } : {}),
    handler,
    log: options.log,
  });
  reader.start();
  return reader;
};
