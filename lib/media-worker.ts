import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MEDIA_STREAM_FILTER } from '../functions/commons/media/store-inbound-media.ts';
import { mediaWorkerSecrets, type SecretName } from '../functions/routes.ts';
import { secretEnvironment } from './http-api.ts';
import { LambdaFunction } from './lambda-function.ts';
import type { MediaBucket } from './media-bucket.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';

export interface MediaWorkerProps {
  /** the table, with its stream enabled */
  table: ITable;
  media: MediaBucket;
  /** the engine's secrets: the worker is granted and told of the access token only */
  secrets: Record<SecretName, ISecret>;
  environment?: Record<string, string>;
  reservedConcurrency?: number;
}

/**
 * Copies inbound media to the media bucket, off the webhook's path: the table's stream is the outbox
 * (the webhook only writes the message), filtered to inserted inbound media so Lambda runs for nothing
 * else. A record the worker could not even mark as failed is retried (bisecting the batch, only the
 * failed records, ReportBatchItemFailures) and after three retries parked on an SQS queue.
 */
export class MediaWorker extends Construct {
  readonly function: NodejsFunction;
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: MediaWorkerProps) {
    super(scope, id);
    this.failures = deadLetterQueue(this, 'Failures', "the media worker's stream mapping (its on-failure destination)");
    this.function = new LambdaFunction(this, 'Worker', {
      handlerName: 'media-worker',
      table: props.table,
      // marks the message's media stored or failed; nothing else on the table
      tableActions: ['dynamodb:UpdateItem'],
      // a 100 MB document over a slow link, with retries
      timeout: Duration.minutes(5),
      memorySize: 1024,
      ...(props.reservedConcurrency ? { reservedConcurrency: props.reservedConcurrency } : {}),
      environment: {
        ...props.environment,
        MEDIA_BUCKET: props.media.bucket.bucketName,
        ...secretEnvironment(props.secrets, mediaWorkerSecrets),
      },
    }).function;
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'The table stream invokes this function through an event source mapping, whose on-failure destination (the Failures queue, alarmed) keeps the records it gives up on; a function dead-letter queue applies to asynchronous invocations only.',
    });
    for (const name of mediaWorkerSecrets) props.secrets[name].grantRead(this.function);
    props.media.grantWriteMedia(this.function);
    this.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 3,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(this.failures),
        filters: [FilterCriteria.filter(MEDIA_STREAM_FILTER as unknown as Record<string, unknown>)],
      }),
    );
  }
}
