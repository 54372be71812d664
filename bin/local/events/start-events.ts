import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { localClient } from '../dynamodb-local.ts';
import { lambdaContext } from '../lambda-context.ts';
import { LocalStreamReader, type StreamConsumer } from './stream-reader.ts';

export interface StreamReaderStart {
  endpoint: string;
  tableName: string;
  /** DYNAMODB_DATA_DIR: the checkpoint is kept beside the data, so both survive a restart */
  dataDir?: string;
  checkpointFile?: string;
  log: (entry: Record<string, unknown>) => void;
  /** wait after a failed batch before the stream retries it */
  retryMs?: number;
}

export interface EventDeliveryOptions extends StreamReaderStart {
  /** other handlers of the same stream (the media worker, the webhook batches), each with its own position */
  consumers?: StreamConsumer[];
}

/**
 * A reader of DynamoDB Local's stream for `consumers`, started; its checkpoint named `name` (beside
 * the data, or in the temporary folder per table) unless a file is given.
 */
export const startStreamReader = (
  name: string,
  consumers: StreamConsumer[],
  options: StreamReaderStart,
): LocalStreamReader => {
  const checkpointFile =
    options.checkpointFile ??
    (options.dataDir
      ? join(options.dataDir, `${name}-checkpoint.json`)
      : join(tmpdir(), `whatsapp-session-engine-${name}-${options.tableName}.json`));
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
    consumers,
    ...(options.retryMs ? { retryMs: options.retryMs } : {}),
    log: options.log,
  });
  reader.start();
  return reader;
};

/** The publish-events handler as a consumer: its bus from EVENTS_URL / EVENTS_API_KEY, or JSON lines on standard output. */
export const eventsConsumer = async (): Promise<StreamConsumer> => {
  const { handler } = await import('../../../functions/publish-events/index.ts');
  return {
    name: 'events',
    handler: async (event: DynamoDBStreamEvent) => {
      const result = await handler(event, lambdaContext('publish-events', { timeoutMs: 900_000 }));
      return result && 'batchItemFailures' in result ? result : undefined;
    },
  };
};

/**
 * The local stack's one reader of DynamoDB Local's stream: the publish-events consumer and any
 * other consumers given (the media worker, the webhook batches), each moving its own position in
 * one checkpoint file.
 */
export const startEventDelivery = async (options: EventDeliveryOptions): Promise<LocalStreamReader> =>
  startStreamReader('events', [await eventsConsumer(), ...(options.consumers ?? [])], options);
