import { Duration } from 'aws-cdk-lib';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { MEDIA_STREAM_FILTER } from '../functions/commons/media/store-inbound-media.ts';
import { mediaWorkerSecrets, type SecretName } from '../functions/routes.ts';
import { StreamConsumer, type StreamConsumerProps, type StreamConsumerSettings } from './background-function.ts';
import type { MediaBucket } from './media-bucket.ts';

export interface MediaWorkerProps extends StreamConsumerProps {
  media: MediaBucket;
  /** the engine's secrets: the worker is granted and told of the access token only */
  secrets: Record<SecretName, ISecret>;
}

const mediaWorker = (props: MediaWorkerProps): StreamConsumerSettings => ({
  ids: { function: 'Worker', failures: 'Failures' },
  of: "the media worker's stream mapping (its on-failure destination)",
  handlerName: 'media-worker',
  // marks the message's media stored or failed; nothing else on the table
  tableActions: ['dynamodb:UpdateItem'],
  // a 100 MB document over a slow link, with retries
  timeout: Duration.minutes(5),
  memorySize: 1024,
  environment: { MEDIA_BUCKET: props.media.bucket.bucketName },
  secrets: { all: props.secrets, names: mediaWorkerSecrets },
  filter: MEDIA_STREAM_FILTER,
  source: { batchSize: 10, retryAttempts: 3 },
});

/**
 * Copies inbound media to the media bucket, off the webhook's path: the table's stream is the outbox
 * (the webhook only writes the message), filtered to inserted inbound media so Lambda runs for nothing
 * else. A record the worker could not even mark as failed is retried (bisecting the batch, only the
 * failed records, ReportBatchItemFailures) and after three retries parked on an SQS queue.
 */
export class MediaWorker extends StreamConsumer {
  constructor(scope: Construct, id: string, props: MediaWorkerProps) {
    super(scope, id, props, mediaWorker(props));
    props.media.grantWriteMedia(this.function);
  }
}
