import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { documentClient } from '#clients/dynamodb';
import { config } from '#commons/config';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { apiHandler } from '#http/api-handler';
import { requireApiToken } from '#http/api-token';
import { badRequest } from '#http/errors';
import { json } from '#http/responses';
import { systemClock, type Clock } from '#domain/time';
import { validateTemplateRegistration } from '#send/validate-template';
import { DynamoDbSendStore } from '#store/dynamodb-send-store';
import type { SendStore } from '#store/send-store';

export interface PutTemplateDeps {
  store: SendStore;
  clock: Clock;
  secrets: () => Promise<Secrets<'apiTokens'>>;
}

const parseJson = (event: APIGatewayProxyEventV2): unknown => {
  const text = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('INVALID_JSON', 'The body must be JSON: { "category", "components", "status" }.');
  }
};

/** PUT /templates/{name}/{language}: registers a template as it exists at Meta, so sends can be checked. */
export const createHandler = (deps: PutTemplateDeps) =>
  apiHandler(
    async (event) => {
      const template = validateTemplateRegistration(
        event.pathParameters?.name ?? '',
        event.pathParameters?.language ?? '',
        parseJson(event),
      );
      await deps.store.putTemplate(template, deps.clock());
      return json(200, template);
    },
    { middlewares: [requireApiToken(deps.secrets, 'put-template')] },
  );

export const handler = createHandler({
  store: new DynamoDbSendStore(documentClient, config.tableName),
  clock: systemClock,
  secrets: routeSecrets('put-template'),
});
