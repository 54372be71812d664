import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { localClient } from '../dynamodb-local.ts';
import { LocalStreamReader, type StreamConsumer } from './stream-reader.ts';

export interface EventDeliveryOptions {
  endpoint: string;
  tableName: string;
  /** DYNAMODB_DATA_DIR: the checkpoint is kept beside the data, so both survive a restart */
  dataDir?: string;
  checkpointFile?: string;
  /** other handlers of the same stream (the media worker), each with its own position */
  consumers?: StreamConsumer[];
  log: (entry: Record<string, unknown>) => void;
}

const context = (): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'publish-events',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:publish-events',
  memoryLimitInMB: '256',
  awsRequestId: `local-${Date.now()}`,
  logGroupName: '/aws/lambda/publish-events',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 900_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/**
 * The local stack's one reader of DynamoDB Local's stream: the publish-events handler (its bus from
 * EVENTS_URL / EVENTS_API_KEY, or JSON lines on standard output) and any other consumers given (the
 * media worker), each moving its own position in one checkpoint file.
 */
export const startEventDelivery = async (options: EventDeliveryOptions): Promise<LocalStreamReader> => {
  const { handler } = await import('../../../functions/publish-events/index.ts');
  const checkpointFile =
    options.checkpointFile ??
    (options.dataDir
      ? join(options.dataDir, 'events-checkpoint.json')
      : join(tmpdir(), `whatsapp-session-engine-events-${options.tableName}.json`));
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
    consumers: [
      {
        name: 'events',
        handler: async (event: DynamoDBStreamEvent) => {
          const result = await handler(event, context());
          return result && 'batchItemFailures' in result ? result : undefined;
        },
      },
      ...(options.consumers ?? []),
    ],
    log: options.log,
  });
  reader.start();
  return reader;
};
