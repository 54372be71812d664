import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '#commons/tracer';

/**
 * Module scope, so a warm Lambda container reuses the connection. `DYNAMODB_ENDPOINT` points it at
 * DynamoDB Local (npm start, tests); on AWS it is unset and the SDK's defaults apply.
 */
export const dynamoDbConfig = (env: NodeJS.ProcessEnv = process.env): DynamoDBClientConfig => {
  const endpoint = env.DYNAMODB_ENDPOINT;
  if (!endpoint) return {};
  return {
    endpoint,
    region: env.AWS_REGION ?? 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
};

/** Traced as X-Ray subsegments on AWS; the client itself, untouched, wherever tracing is off. */
export const dynamoDbClient = tracer.captureAWSv3Client(new DynamoDBClient(dynamoDbConfig()));

export const documentClient = DynamoDBDocumentClient.from(dynamoDbClient, {
  marshallOptions: { removeUndefinedValues: true },
});
