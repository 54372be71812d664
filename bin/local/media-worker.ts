/**
 * The media worker locally, as on AWS: s3rver plays the media bucket (its objects in a folder under
 * LOCAL_DATA_DIR), and the local stream reader (events/stream-reader.ts, the one reader of DynamoDB
 * Local's stream) calls the very Lambda handler (functions/media-worker) with the DynamoDB stream
 * event Lambda would send, after the same filter. Records the handler reports as failed are retried
 * with backoff, then parked (logged), as the event source mapping's retry limit and on-failure queue do.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import S3rver from 's3rver';
import { MEDIA_STREAM_FILTER } from '../../functions/commons/media/store-inbound-media.ts';
import type { StreamConsumer } from './events/stream-reader.ts';
import { lambdaContext } from './lambda-context.ts';

export interface LocalMediaOptions {
  /** s3rver keeps its objects under `<dataDir>/s3` */
  dataDir: string;
  bucket?: string;
}

export interface LocalMedia {
  s3Endpoint: string;
  bucket: string;
  folder: string;
  stop(): Promise<void>;
}

/** The mapping's retry limit (lib/media-worker.ts, retryAttempts 3): the first delivery and its three retries. */
const MAX_DELIVERIES = 4;

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

/**
 * The media worker as a consumer of the local stream reader. Its handler is loaded at the first
 * record it takes, once MEDIA_* are in the environment (it reads them when it is loaded), so the
 * stack does not wait for it to start.
 */
export const mediaConsumer = (): StreamConsumer => {
  type Handler = (event: DynamoDBStreamEvent, ctx: Context) => Promise<DynamoDBBatchResponse>;
  let handler: Promise<Handler> | undefined;
  return {
    name: 'media',
    // Lambda's filter, applied before invoking: inserted inbound media (the handler checks again).
    filter: (record: DynamoDBRecord) => matchesFilter(MEDIA_STREAM_FILTER, record),
    handler: async (event) => {
      handler ??= import('../../functions/media-worker/index.ts').then((module) => module.handler as Handler);
      return (await handler)(event, lambdaContext('media-worker', { memoryMB: 1024, timeoutMs: 300_000 }));
    },
    maxDeliveries: MAX_DELIVERIES,
  };
};

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
  return {
    s3Endpoint: `http://127.0.0.1:${port}`,
    bucket,
    folder,
    stop: () => s3.close(),
  };
};
