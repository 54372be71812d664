import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { createSessionTable, localClient } from '../../bin/local/dynamodb-local.ts';
import { tableSchema } from '#store/table-schema';

describe('the session table on DynamoDB Local', () => {
  it('is created from the one schema declaration with TTL enabled on expiresAt', async () => {
    const endpoint = process.env.DYNAMODB_ENDPOINT as string;
    const tableName = `ttl-check-${Date.now()}`;
    await createSessionTable(endpoint, tableName);
    await createSessionTable(endpoint, tableName); // idempotent, as npm start with -dbPath needs
    const client = localClient(endpoint);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(TimeToLiveDescription).toEqual({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
    client.destroy();
  });
});
