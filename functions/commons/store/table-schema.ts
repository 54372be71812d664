import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one declaration of the session table. The CDK construct (lib/session-table.ts) and the local
 * stack / test harness (bin/local/dynamodb-local.ts) both build the table from it, so they cannot drift.
 */
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds. DynamoDB deletes lazily, so reads also treat `expiresAt <= now` as gone. */
  timeToLiveAttribute: 'expiresAt',
} as const;

export type TableKey = { pk: string; sk: string };

/** CreateTable input for DynamoDB Local, on-demand like the deployed table. */
export const createTableInput = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: tableSchema.partitionKey, AttributeType: 'S' },
    { AttributeName: tableSchema.sortKey, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
    { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
  ],
  // The outbox of event delivery: publish-events reads every change with both images.
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
});
