import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';

/** The run's DynamoDB Local (global-setup.ts). */
export const testEndpoint = (): string => process.env.DYNAMODB_ENDPOINT as string;

/** A DynamoDB Streams client on the run's DynamoDB Local, for the local stream reader. */
export const testStreamsClient = (): DynamoDBStreamsClient =>
  new DynamoDBStreamsClient({
    endpoint: testEndpoint(),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
