import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readPositiveNumber } from '#commons/config';
import { traceClient } from '#commons/tracer';

/**
 * Module scope, so a warm Lambda container reuses the connection. `DYNAMODB_ENDPOINT` points it at
 * DynamoDB Local (npm start, tests); on AWS it is unset and the SDK's defaults apply.
 */
export const dynamoDbConfig = (env: NodeJS.ProcessEnv = process.env): DynamoDBClientConfig => {
  const sockets = readPositiveNumber('DYNAMODB_MAX_SOCKETS', env.DYNAMODB_MAX_SOCKETS);
  if (typeof sockets !== 'number') throw new Error(sockets.problem);
  // The SDK's own default is 50 sockets; a POST applied with more writes in flight would queue for them.
  const maxSockets = Math.ceil(sockets);
  const requestHandler = { httpAgent: { maxSockets, keepAlive: true }, httpsAgent: { maxSockets, keepAlive: true } };
  const endpoint = env.DYNAMODB_ENDPOINT;
  if (!endpoint) return { requestHandler };
  return {
    requestHandler,
    endpoint,
    region: env.AWS_REGION ?? 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
};

/** Traced as X-Ray subsegments where the stack asks for them (#commons/tracer); the client itself elsewhere. */
export const dynamoDbClient = traceClient(new DynamoDBClient(dynamoDbConfig()));

export const documentClient = DynamoDBDocumentClient.from(dynamoDbClient, {
  marshallOptions: { removeUndefinedValues: true },
});
