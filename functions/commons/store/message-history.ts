import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
export { historyKeys } from './items/message';
import { contactPk, keys } from './keys';
import { tableSchema } from './table-schema';

const index = tableSchema.historyIndex;

export type HistoryItem = Record<string, unknown>;

export interface HistoryPage {
  items: HistoryItem[];
  /** DynamoDB's LastEvaluatedKey: where the next page starts; undefined on the last page */
  last?: Record<string, unknown>;
}

/** Reads a contact's history: the alias of the user id, then one Query on the history index per page. */
export class DynamoDbMessageHistory {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The contact an id belongs to (wa_id and business-scoped id share one), or the id itself when unseen. */
  async contactIdOf(phoneNumberId: string, userId: string): Promise<string> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.userAlias(phoneNumberId, userId) }),
    );
    return typeof Item?.contactId === 'string' ? Item.contactId : userId;
  }

  async page(
    phoneNumberId: string,
    contactId: string,
    limit: number,
    startKey?: Record<string, unknown>,
  ): Promise<HistoryPage> {
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: { ':pk': contactPk(phoneNumberId, contactId) },
        ScanIndexForward: false,
        // One more than the page: whether a next page exists is known now, so the last page says next: null.
        Limit: limit + 1,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const items = Items ?? [];
    if (items.length <= limit && !LastEvaluatedKey) return { items };
    if (items.length <= limit) return { items, ...(LastEvaluatedKey ? { last: LastEvaluatedKey } : {}) };
    const page = items.slice(0, limit);
    const lastItem = page[page.length - 1] as HistoryItem;
    const last = Object.fromEntries(
      [tableSchema.partitionKey, tableSchema.sortKey, index.partitionKey, index.sortKey].map((name) => [
        name,
        lastItem[name],
      ]),
    );
    return { items: page, last };
  }
}
