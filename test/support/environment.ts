import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomInt } from 'node:crypto';

export const TEST_TABLE_NAME = 'whatsapp-session-engine-test';

/** A document client on the run's DynamoDB Local (set up by global-setup.ts). */
export const testDocumentClient = (): DynamoDBDocumentClient => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run the tests through npm test');
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
};

/** Every test works on its own business number, so tests sharing the table never see each other's items. */
export const uniquePhoneNumberId = (): string => `1${String(randomInt(1e9, 1e10))}${String(randomInt(1e3, 1e4))}`;

export const uniqueWaId = (): string => `1555${String(randomInt(1e6, 1e7))}`;
