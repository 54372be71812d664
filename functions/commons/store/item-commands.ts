import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  type DynamoDBDocumentClient,
  type GetCommandInput,
  type PutCommand,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TableKey } from './table-schema';

/** One item by its key; undefined when the table holds none. */
export const readItem = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  key: TableKey,
  options: Omit<GetCommandInput, 'TableName' | 'Key'> = {},
): Promise<Record<string, unknown> | undefined> =>
  (await client.send(new GetCommand({ TableName: tableName, Key: key, ...options }))).Item;

/**
 * A conditional write whose failed condition is an expected outcome, not an error: an older update
 * arriving late, a state already past the one it moves from, a put on a revision another writer
 * moved on. Answers whether it was written; any other failure is thrown.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
export const writeIfCondition = async (
  client: DynamoDBDocumentClient,
  command: PutCommand | UpdateCommand,
): Promise<boolean> => {
  try {
    await client.send(command as UpdateCommand);
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};
