import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toWebhookBatchItem } from './items/webhook-batch';
import type { AcceptedBatch, WebhookBatchChunk, WebhookBatches } from './webhook-batches';

export { toWebhookBatchItem };

const isConditionFailure = (error: unknown): boolean =>
  (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

export class DynamoDbWebhookBatches implements WebhookBatches {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async accept(chunks: readonly WebhookBatchChunk[]): Promise<AcceptedBatch> {
    const outcomes = await Promise.allSettled(
      chunks.map((chunk) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toWebhookBatchItem(chunk),
            // A redelivery of the same POST must not insert the chunk again: that would apply it again.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ),
    );
    const accepted: AcceptedBatch = { written: 0, already: 0 };
    const failures: unknown[] = [];
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') accepted.written++;
      else if (isConditionFailure(outcome.reason)) accepted.already++;
      else failures.push(outcome.reason);
    }
    if (failures.length > 0) throw failures[0];
    return accepted;
  }
}
