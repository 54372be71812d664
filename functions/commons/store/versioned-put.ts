import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableKey } from './table-schema';

const ATTEMPTS = 5;

/**
 * Read, decide, put under the version read, for an item kind whose next state is a pure function of
 * the stored one (consent, account health):
 *
 *   read item (version v) ── decide(item) ── put, if version is still v ──▶ done
 *                                 └── another writer put v+1 first: read again, decide again
 *
 * `decide` answers the attributes to store, or undefined when the item stays as it is. The put is
 * conditional on the version read (or on no item), so two writers never lose one another's change.
 */
export const putUnderVersion = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  key: TableKey,
  decide: (item: Record<string, unknown> | undefined) => Record<string, unknown> | undefined,
): Promise<void> => {
  for (let attempt = 1; ; attempt += 1) {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    const attributes = decide(Item);
    if (attributes === undefined) return;
    const version = Item ? Number(Item.version ?? 0) : undefined;
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...attributes, ...key, version: (version ?? 0) + 1 },
          ConditionExpression: version === undefined ? 'attribute_not_exists(pk)' : 'version = :version',
          ...(version === undefined ? {} : { ExpressionAttributeValues: { ':version': version } }),
        }),
      );
      return;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || attempt >= ATTEMPTS) throw error;
    }
  }
};
