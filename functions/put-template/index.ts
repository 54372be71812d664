import { documentClient } from '#clients/dynamodb';
import { config } from '#commons/config';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { apiHandler } from '#http/api-handler';
import { requireApiToken } from '#http/api-token';
import { readJsonBody } from '#http/json-body';
import { json } from '#http/responses';
import { systemClock, type Clock } from '#domain/time';
import { validateTemplateRegistration } from '#send/validate-template';
import { DynamoDbTemplateStore } from '#store/dynamodb-template-store';
import type { TemplateStore } from '#store/template-store';

const BODY = '{ "category", "components", "status" }';

export interface PutTemplateDeps {
  store: Pick<TemplateStore, 'registerTemplate'>;
  clock: Clock;
  secrets: () => Promise<Secrets<'apiTokens'>>;
}

/** PUT /templates/{name}/{language}: registers a template as it exists at Meta, so sends can be checked. */
export const createHandler = (deps: PutTemplateDeps) =>
  apiHandler(
    async (event) => {
      const template = validateTemplateRegistration(
        event.pathParameters?.name ?? '',
        event.pathParameters?.language ?? '',
        readJsonBody(event, BODY),
      );
      await deps.store.registerTemplate(template, deps.clock());
      return json(200, template);
    },
    { middlewares: [requireApiToken(deps.secrets, 'put-template')] },
  );

export const handler = createHandler({
  store: new DynamoDbTemplateStore(documentClient, config.tableName),
  clock: systemClock,
  secrets: routeSecrets('put-template'),
});
