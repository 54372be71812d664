import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ContactItemReads } from './contact-reads';
import { contactPk } from './items/contact-partition';
import type { TableKey } from './table-schema';

type Item = Record<string, unknown>;

/** BatchGetItem's retries of what DynamoDB left unprocessed (throttling), before the read fails. */
const BATCH_ATTEMPTS = 5;
/** The first pause before asking again, doubled each time and jittered (at most 25 + 50 + 100 + 200 ms). */
const BATCH_BACKOFF_MS = 25;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The contact store's item reads on the single table: the whole store's, and the session route's alone. */
export class DynamoDbContactReads implements ContactItemReads {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * One BatchGetItem; keys DynamoDB leaves unprocessed are asked again, since a key left out would
   * read as an item that is not there (a new contact for a known user), after a jittered pause that
   * doubles, as AWS asks of a retry of unprocessed keys
   * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html).
   */
  async readItems(keys: readonly TableKey[]): Promise<Item[]> {
    const found: Item[] = [];
    let pending: Record<string, unknown>[] = [...keys];
    for (let attempt = 0; attempt < BATCH_ATTEMPTS && pending.length > 0; attempt++) {
      if (attempt > 0) await pause(BATCH_BACKOFF_MS * 2 ** (attempt - 1) * Math.random());
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
