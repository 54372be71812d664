import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UserIds } from '#domain/identity';
import { readContactItems } from './contact-items';
import { keys } from './keys';
import type { SessionStore, StoredSession } from './session-store';

/** A user alias item: every id of a linked user points at the contact that holds their window. */
export interface AliasItem {
  contactId: string;
  waId?: string;
  userId?: string;
}

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
    const { window, conversations } = await readContactItems(this.client, this.tableName, phoneNumberId, contactId);
    return {
      ids: { ...ids, ...(alias?.waId ? { waId: alias.waId } : {}), ...(alias?.userId ? { userId: alias.userId } : {}) },
      ...(window ? { window } : {}),
      conversations,
    };
  }
}
