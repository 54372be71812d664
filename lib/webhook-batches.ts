import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WEBHOOK_BATCH_STREAM_FILTER } from '../functions/commons/ingestion/webhook-batch-record.ts';
import { routeOf } from '../functions/routes.ts';
import { LambdaFunction } from './lambda-function.ts';

export interface WebhookBatchesProps {
  /** the table, with its stream enabled */
  table: ITable;
  environment?: Record<string, string>;
  reservedConcurrency?: number;
}

/**
 * Applies the big webhook POSTs the webhook answered before applying them: the table's stream,
 * filtered to inserted batch chunks, feeds apply-webhook-batch, which writes what the webhook
 * would have written (the same table actions). A chunk that fails is retried from that record
 * (ReportBatchItemFailures, bisecting), up to ten times within the stream's day; then the
 * record's position is parked on an SQS queue, and the chunk itself stays in the table (its TTL
 * is the message retention) to be applied again by hand.
 */
export class WebhookBatches extends Construct {
  readonly function: NodejsFunction;
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: WebhookBatchesProps) {
    super(scope, id);
    this.failures = new Queue(this, 'Failures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is apply-webhook-batch's on-failure destination (stream records it gave up on); it has none of its own.",
    });
    Validations.of(this.failures).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        "This queue is apply-webhook-batch's on-failure destination: nothing consumes it to redrive from; its depth alarms (Monitoring).",
    });
    this.function = new LambdaFunction(this, 'Apply', {
      handlerName: 'apply-webhook-batch',
      table: props.table,
      // it writes exactly what the webhook writes
      tableActions: routeOf('webhook').tableActions,
      // a chunk of 250 events takes about 1.3 s of CPU: a whole vCPU (1,769 MB) applies it in about that
      // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html)
      memorySize: 1769,
      timeout: Duration.seconds(60),
      ...(props.reservedConcurrency ? { reservedConcurrency: props.reservedConcurrency } : {}),
      environment: { ...props.environment },
    }).function;
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'The table stream invokes this function through an event source mapping, whose on-failure destination (the Failures queue, alarmed) keeps the records it gives up on; a function dead-letter queue applies to asynchronous invocations only.',
    });
    this.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        // a chunk is up to 250 events: two per invocation keep one invocation within seconds
        batchSize: 2,
        // chunks of one POST have partitions of their own, so up to four are applied side by side per shard
        parallelizationFactor: 4,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(this.failures),
        filters: [FilterCriteria.filter(WEBHOOK_BATCH_STREAM_FILTER as unknown as Record<string, unknown>)],
      }),
    );
  }
}
