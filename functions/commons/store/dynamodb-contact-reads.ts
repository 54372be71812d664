import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ContactItemReads } from './contact-reads';
import { contactPk } from './items/contact-partition';
import type { TableKey } from './table-schema';

type Item = Record<string, unknown>;

/** BatchGetItem's retries of what DynamoDB left unprocessed (throttling), before the read fails. */
const BATCH_ATTEMPTS = 5;

/** The contact store's item reads on the single table: the whole store's, and the session route's alone. */
export class DynamoDbContactReads implements ContactItemReads {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * One BatchGetItem; keys DynamoDB leaves unprocessed are asked again, since a key left out would
   * read as an item that is not there (a new contact for a known user)
   * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html).
   */
  async readItems(keys: readonly TableKey[]): Promise<Item[]> {
    const found: Item[] = [];
    let pending: Record<string, unknown>[] = [...keys];
    for (let attempt = 0; attempt < BATCH_ATTEMPTS && pending.length > 0; attempt++) {
      const { Responses, UnprocessedKeys } = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(Responses?.[this.tableName] ?? []));
      pending = UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    if (pending.length > 0) {
      throw Object.assign(new Error('contact items could not be read: DynamoDB left keys unprocessed'), {
        name: 'ProvisionedThroughputExceededException',
        $metadata: {},
      });
    }
    return found;
  }

  async partition(phoneNumberId: string, contactId: string): Promise<Item[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': contactPk(phoneNumberId, contactId) },
        ConsistentRead: true,
      }),
    );
    return Items;
  }
}
