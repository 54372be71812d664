import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EpochSeconds } from '#domain/time';
import { readItem, writeIfCondition } from './item-commands';
import { inboundRefOf, type InboundMessageRef, type InboundReceipts } from './inbound-receipts';
import { messageItem } from './items/message';

/** Read receipts on the inbound message items of the single table. */
export class DynamoDbInboundReceipts implements InboundReceipts {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async readInbound(wamid: string): Promise<InboundMessageRef | undefined> {
    return inboundRefOf(await readItem(this.client, this.tableName, messageItem.key(wamid), { ConsistentRead: true }));
  }

  async recordRead(wamid: string, at: EpochSeconds, typing: boolean): Promise<void> {
    await writeIfCondition(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: messageItem.key(wamid),
        // `status` is what the history index projects (an inbound message has no delivery status of its own).
        UpdateExpression: `SET #status = :read, readAt = :at${typing ? ', typingAt = :at' : ''}`,
        // Only the user's message, and never back in time.
        ConditionExpression: 'direction = :inbound AND (attribute_not_exists(readAt) OR readAt < :at)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':at': at, ':inbound': 'inbound', ':read': 'read' },
      }),
    );
  }
}
