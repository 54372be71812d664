import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UserIds } from '#domain/identity';
import type { ConversationState, WindowState } from '#domain/session';
import { contactItem, contactPk, keys } from './keys';
import type { SessionStore, StoredSession } from './session-store';

/** A user alias item: every id of a linked user points at the contact that holds their window. */
export interface AliasItem {
  contactId: string;
  waId?: string;
  userId?: string;
}

const toWindow = (item: Record<string, unknown>): WindowState => ({
  lastInboundAt: item.lastInboundAt as number,
  expiresAt: item.expiresAt as number,
  ...(typeof item.closedAt === 'number' ? { closedAt: item.closedAt } : {}),
});

const toConversation = (item: Record<string, unknown>): ConversationState => ({
  id: item.conversationId as string,
  category: item.category as string,
  origin: item.origin as string,
  openedAt: item.openedAt as number,
  expiresAt: item.expiresAt as number,
});

/** The id a request or webhook names (either kind) leads to one contact through its alias, or is the contact. */
export const readAlias = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  phoneNumberId: string,
  id: string,
): Promise<AliasItem | undefined> => {
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.userAlias(phoneNumberId, id), ConsistentRead: true }),
  );
  return Item as AliasItem | undefined;
};

export class DynamoDbSessionStore implements SessionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async readSession(phoneNumberId: string, ids: UserIds): Promise<StoredSession> {
    const id = ids.userId ?? ids.waId;
    if (id === undefined) throw new Error('readSession needs a wa_id or a user id');
    const alias = await readAlias(this.client, this.tableName, phoneNumberId, id);
    const contactId = alias?.contactId ?? id;
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': contactPk(phoneNumberId, contactId) },
        ConsistentRead: true,
      }),
    );
    const windowItem = Items.find((item) => item.sk === contactItem.window);
    return {
      ids: { ...ids, ...(alias?.waId ? { waId: alias.waId } : {}), ...(alias?.userId ? { userId: alias.userId } : {}) },
      ...(windowItem ? { window: toWindow(windowItem) } : {}),
      conversations: Items.filter((item) => String(item.sk).startsWith(contactItem.conversationPrefix)).map(
        toConversation,
      ),
    };
  }
}
