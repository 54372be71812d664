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
    const accepted: AcceptedBatch = { written: 0, already: 0 };
    // One at a time, in order: the stream then carries them in the POST's order. A failure stops
    // the rest; Meta's redelivery writes them, after the ones already there.
    for (const chunk of chunks) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toWebhookBatchItem(chunk),
            // A redelivery of the same POST must not insert the chunk again: that would apply it again.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        accepted.written++;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        accepted.already++;
      }
    }
    return accepted;
  }
}
