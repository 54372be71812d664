import { paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { forEachWithConcurrency } from '#ingestion/concurrency';

type Item = Record<string, unknown>;

/**
 * Every item of one partition, page after page: a Query answers at most 1 MB, the rest from
 * LastEvaluatedKey, which the SDK's paginator follows.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
 */
export const queryPartition = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
): Promise<Item[]> => {
  const items: Item[] = [];
  const pages = paginateQuery(
    { client },
    { TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
};

/** Runs `work` over `items`, `concurrency` at a time, all of them to the end; then throws the first failure. */
export const forEachOrThrow = async <T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> => {
  const failed = (await forEachWithConcurrency(items, concurrency, work)).find(
    (result) => result.status === 'rejected',
  );
  if (failed) throw (failed as PromiseRejectedResult).reason;
};

/** Every item of the partitions, read side by side, `concurrency` at a time. */
export const queryPartitions = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  pks: readonly string[],
  concurrency: number,
): Promise<Item[]> => {
  const items: Item[] = [];
  await forEachOrThrow(pks, concurrency, async (pk) => {
    items.push(...(await queryPartition(client, tableName, pk)));
  });
  return items;
};
