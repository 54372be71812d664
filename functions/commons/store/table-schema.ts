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
  /**
   * A contact's messages, newest first: only message items carry these attributes (a sparse index),
   * `historyPk` = the contact's partition, `historySk` = Meta's timestamp (zero-padded) then the wamid.
   * INCLUDE projects what a history page shows, so one Query answers a page with no reads of the table.
   */
  historyIndex: {
    name: 'history',
    partitionKey: 'historyPk',
    sortKey: 'historySk',
    projected: ['direction', 'type', 'timestamp', 'raw', 'state', 'decision', 'held', 'status', 'media', 'expiresAt'],
  },
  /** The table's change stream (NEW_AND_OLD_IMAGES): the outbox publish-events and the media worker read. */
  streamView: 'NEW_AND_OLD_IMAGES',
} as const;

export type TableKey = { pk: string; sk: string };

/** CreateTable input for DynamoDB Local, on-demand like the deployed table. */
export const createTableInput = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: tableSchema.partitionKey, AttributeType: 'S' },
    { AttributeName: tableSchema.sortKey, AttributeType: 'S' },
    { AttributeName: tableSchema.historyIndex.partitionKey, AttributeType: 'S' },
    { AttributeName: tableSchema.historyIndex.sortKey, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
    { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: tableSchema.historyIndex.name,
      KeySchema: [
        { AttributeName: tableSchema.historyIndex.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableSchema.historyIndex.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...tableSchema.historyIndex.projected] },
    },
  ],
  // The outbox: publish-events and the media worker read every change with both images.
  StreamSpecification: { StreamEnabled: true, StreamViewType: tableSchema.streamView },
});
