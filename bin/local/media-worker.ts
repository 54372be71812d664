/**
 * The media worker locally, as on AWS: s3rver plays the media bucket (its objects in a folder under
 * LOCAL_DATA_DIR), and a small poller reads DynamoDB Local's stream of the table and calls the very
 * Lambda handler (functions/media-worker) with the DynamoDB stream event Lambda would send, applying the
 * same filter first. Records the handler reports as failed are retried with backoff, then parked (logged),
 * as the event source mapping's retry limit and on-failure queue do.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import S3rver from 's3rver';
import { MEDIA_STREAM_FILTER } from '../../functions/commons/media/store-inbound-media.ts';
import { localClient } from './dynamodb-local.ts';

export interface LocalMediaOptions {
  dynamoDbEndpoint: string;
  tableName: string;
  /** s3rver keeps its objects under `<dataDir>/s3` */
  dataDir: string;
  bucket?: string;
  log: (entry: Record<string, unknown>) => void;
  pollMs?: number;
}

export interface LocalMedia {
  s3Endpoint: string;
  bucket: string;
  folder: string;
  /** starts polling the stream; call after MEDIA_* are in the environment (the handler reads them on load) */
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

const MAX_DELIVERIES = 3;

/**
 * Lambda's event filter, for the patterns the media worker uses: an array lists the accepted values,
 * an object matches field by field. https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
export const matchesFilter = (pattern: unknown, value: unknown): boolean => {
  if (Array.isArray(pattern)) return pattern.includes(value);
  if (typeof pattern !== 'object' || pattern === null) return false;
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(pattern).every(([key, inner]) => matchesFilter(inner, (value as Record<string, unknown>)[key]));
};

const context = (): Context =>
  ({
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'media-worker',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:media-worker',
    memoryLimitInMB: '1024',
    awsRequestId: `local-${Date.now()}`,
    logGroupName: '/aws/lambda/media-worker',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

/** The stream record as Lambda hands it over: the same attribute-value JSON, times in epoch seconds. */
const toLambdaRecord = (record: _Record, streamArn: string): DynamoDBRecord =>
  ({
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    eventSourceARN: streamArn,
    dynamodb: {
      ...record.dynamodb,
      ApproximateCreationDateTime: record.dynamodb?.ApproximateCreationDateTime
        ? Math.floor(record.dynamodb.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
    },
  }) as DynamoDBRecord;

export const startLocalMedia = async (options: LocalMediaOptions): Promise<LocalMedia> => {
  const bucket = options.bucket ?? 'whatsapp-media';
  const folder = join(options.dataDir, 's3');
  mkdirSync(folder, { recursive: true });
  const s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory: folder,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = (await s3.run()) as { port: number };
  const s3Endpoint = `http://127.0.0.1:${port}`;
  const streams = new DynamoDBStreamsClient({
    endpoint: options.dynamoDbEndpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let stopped = false;
  let loop: Promise<void> | undefined;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const deliver = async (
    handler: (event: DynamoDBStreamEvent, ctx: Context) => Promise<DynamoDBBatchResponse>,
    records: DynamoDBRecord[],
  ) => {
    let remaining = records;
    for (let delivery = 1; remaining.length > 0; delivery++) {
      const answer = await handler({ Records: remaining }, context());
      const failed = new Set(answer.batchItemFailures.map((failure) => failure.itemIdentifier));
      remaining = remaining.filter((record) => failed.has(record.dynamodb?.SequenceNumber ?? ''));
      if (remaining.length === 0) return;
      if (delivery >= MAX_DELIVERIES) {
        options.log({ level: 'ERROR', message: 'media records parked after retries', sequenceNumbers: [...failed] });
        return;
      }
      await pause(500 * 2 ** delivery);
    }
  };

  const poll = async (): Promise<void> => {
    const { handler } = (await import('../../functions/media-worker/index.ts')) as {
      handler: (event: DynamoDBStreamEvent, ctx: Context) => Promise<DynamoDBBatchResponse>;
    };
    const dynamo = localClient(options.dynamoDbEndpoint);
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
    dynamo.destroy();
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn)
      throw new Error(`table ${options.tableName} has no stream; it must be created from createTableInput`);
    const iterators = new Map<string, string | undefined>();
    let lastDescribe = 0;
    while (!stopped) {
      if (Date.now() - lastDescribe > 2000) {
        lastDescribe = Date.now();
        const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
        for (const shard of StreamDescription?.Shards ?? []) {
          if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
          const { ShardIterator } = await streams.send(
            new GetShardIteratorCommand({
              StreamArn: streamArn,
              ShardId: shard.ShardId,
              ShardIteratorType: 'TRIM_HORIZON',
            }),
          );
          iterators.set(shard.ShardId, ShardIterator);
        }
      }
      for (const [shardId, iterator] of iterators) {
        if (!iterator || stopped) continue;
        const { Records, NextShardIterator } = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        iterators.set(shardId, NextShardIterator);
        const records = (Records ?? []).map((record) => toLambdaRecord(record, streamArn));
        // Lambda's filter, applied before invoking: inserted inbound media (the handler checks again).
        const wanted = records.filter((record) => matchesFilter(MEDIA_STREAM_FILTER, record));
        if (wanted.length > 0) void deliver(handler, wanted);
      }
      await pause(options.pollMs ?? 200);
    }
  };

  return {
    s3Endpoint,
    bucket,
    folder,
    startWorker: async () => {
      loop = poll().catch((error: unknown) => {
        if (!stopped) options.log({ level: 'ERROR', message: 'media worker stopped', error: String(error) });
      });
    },
    stop: async () => {
      stopped = true;
      await loop;
      streams.destroy();
      await s3.close();
    },
  };
};
