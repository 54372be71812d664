import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EpochSeconds } from '#domain/time';
import { contactPk } from './items/contact-partition';
import { tableSchema } from './table-schema';

const index = tableSchema.historyIndex;
const sortKeyAt = (at: EpochSeconds) => String(Math.max(0, at)).padStart(12, '0');

/**
 * A contact's items on the history index (messages of both directions, by Meta's timestamp), all
 * pages: stamped in [from, to] when given. The message ledger's reads of it.
 */
export const historyItems = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  contact: { phoneNumberId: string; contactId: string },
  range: { from: EpochSeconds; to: EpochSeconds } | undefined = undefined,
): Promise<Record<string, unknown>[]> => {
  const found: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const { Items = [], LastEvaluatedKey } = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: range ? '#pk = :pk AND #sk BETWEEN :from AND :to' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey, ...(range ? { '#sk': index.sortKey } : {}) },
        ExpressionAttributeValues: {
          ':pk': contactPk(contact.phoneNumberId, contact.contactId),
          ...(range ? { ':from': sortKeyAt(range.from), ':to': `${sortKeyAt(range.to)}~` } : {}),
        },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    found.push(...Items);
    startKey = LastEvaluatedKey;
  } while (startKey);
  return found;
};

/**
 * Re-points one message item (read from the index) from contact `from` to `into`: false when it
 * names `from` no more (gone, or moved meanwhile). The state's contact is set in place with a new
 * version, never from the index's copy of the state (which may be behind), so a fold that read the
 * old version is redone on the moved record.
 */
export const moveMessage = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
  phoneNumberId: string,
  from: string,
  into: string,
): Promise<boolean> => {
  const outbound = item.direction === 'outbound';
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression:
          'SET #hpk = :into, contactId = :id' + (outbound ? ', #state.contactId = :id ADD #version :one' : ''),
        ConditionExpression: '#hpk = :from',
        ExpressionAttributeNames: {
          '#hpk': index.partitionKey,
          ...(outbound ? { '#state': 'state', '#version': 'version' } : {}),
        },
        ExpressionAttributeValues: {
          ':from': contactPk(phoneNumberId, from),
          ':into': contactPk(phoneNumberId, into),
          ':id': into,
          ...(outbound ? { ':one': 1 } : {}),
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};
