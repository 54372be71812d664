import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConversationState, WindowState } from '#domain/session';
import { contactItem, contactPk } from './keys';

/** A contact's partition: its window and its conversation items (expired or not: the domain decides). */
export interface ContactState {
  window?: WindowState;
  conversations: ConversationState[];
}

/** One strongly consistent Query of the contact's partition, read by the session route, sends and webhooks alike. */
export const readContactItems = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  phoneNumberId: string,
  contactId: string,
): Promise<ContactState> => {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': contactPk(phoneNumberId, contactId) },
      ConsistentRead: true,
    }),
  );
  const window = Items.find((item) => item.sk === contactItem.window);
  return {
    ...(window
      ? {
          window: {
            lastInboundAt: Number(window.lastInboundAt),
            expiresAt: Number(window.expiresAt),
            ...(typeof window.closedAt === 'number' ? { closedAt: window.closedAt } : {}),
          },
        }
      : {}),
    conversations: Items.filter((item) => String(item.sk).startsWith(contactItem.conversationPrefix)).map((item) => ({
      id: String(item.conversationId),
      category: String(item.category),
      origin: String(item.origin),
      openedAt: Number(item.openedAt),
      expiresAt: Number(item.expiresAt),
    })),
  };
};
