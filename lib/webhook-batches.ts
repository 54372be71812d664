import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WEBHOOK_BATCH_STREAM_FILTER } from '../functions/commons/ingestion/webhook-batch-record.ts';
import { routeOf } from '../functions/routes.ts';
import { StreamConsumer, type StreamConsumerProps, type StreamConsumerSettings } from './background-function.ts';

export type WebhookBatchesProps = StreamConsumerProps;

const applyWebhookBatch: StreamConsumerSettings = {
  ids: { function: 'Apply', failures: 'Failures' },
  of: "apply-webhook-batch's stream mapping (its on-failure destination; the chunks stay in the table)",
  handlerName: 'apply-webhook-batch',
  // it writes exactly what the webhook writes
  tableActions: routeOf('webhook').tableActions,
  // a chunk of 250 events takes about 1.3 s of CPU: a whole vCPU (1,769 MB) applies it in about that
  // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html)
  memorySize: 1769,
  timeout: Duration.seconds(60),
  filter: WEBHOOK_BATCH_STREAM_FILTER,
  source: {
    // a chunk is up to 250 events: two per invocation keep one invocation within seconds
    batchSize: 2,
    // chunks of one POST have partitions of their own, so up to four are applied side by side per shard
    parallelizationFactor: 4,
    retryAttempts: 10,
  },
};

/**
 * Applies the big webhook POSTs the webhook answered before applying them: the table's stream,
 * filtered to inserted batch chunks, feeds apply-webhook-batch, which writes what the webhook
 * would have written (the same table actions). A chunk that fails is retried from that record
 * (ReportBatchItemFailures, bisecting), up to ten times within the stream's day; then the
 * record's position is parked on an SQS queue, and the chunk itself stays in the table (its TTL
 * is the message retention) to be applied again by hand.
 */
export class WebhookBatches extends StreamConsumer {
  constructor(scope: Construct, id: string, props: WebhookBatchesProps) {
    super(scope, id, props, applyWebhookBatch);
  }
}
