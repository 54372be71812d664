import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/**
 * The reference Lambda of the bundle budget: only the DynamoDB client and one command, built the
 * same way as the engine's functions (bench/bundles.ts) except for the credential chain: it keeps
 * the SDK's default one. What a hand-rolled webhook Lambda starts from.
 */
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: { id?: string }) => {
  const { Item } = await client.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: `MSG#${event.id ?? ''}`, sk: 'MSG' } }),
  );
  return { statusCode: Item ? 200 : 404, body: JSON.stringify(Item ?? null) };
};
