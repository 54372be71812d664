import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AliasRetention } from '#store/contact-store';
import { memoryStores } from '#store/memory/index';
import type { TableKey } from '#store/table-schema';
import { TEST_TABLE_NAME, testDocumentClient } from './environment.ts';
import { tableStores } from './stores.ts';

/** Both adapters of every store port, and a raw read of one item, for the contract tests. */
export interface Adapter {
  stores: ReturnType<typeof tableStores> | ReturnType<typeof memoryStores>;
  /** the stored item as the table holds it (its format is part of the contract) */
  item: (key: TableKey) => Promise<Record<string, unknown> | undefined>;
}

const memory = (retention?: AliasRetention): Adapter => {
  const stores = memoryStores(undefined, retention);
  return { stores, item: async (key) => stores.table.get(key) };
};

const dynamoDb = (retention?: AliasRetention): Adapter => {
  const client = testDocumentClient();
  return {
    stores: tableStores(client, TEST_TABLE_NAME, retention),
    item: async (key) =>
      (await client.send(new GetCommand({ TableName: TEST_TABLE_NAME, Key: key, ConsistentRead: true }))).Item,
  };
};

/** `describe.each(adapters)`: the same contract, in memory and on DynamoDB Local. */
export const adapters: [string, (retention?: AliasRetention) => Adapter][] = [
  ['in memory', memory],
  ['on DynamoDB Local', dynamoDb],
];
