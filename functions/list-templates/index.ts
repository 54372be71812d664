import { documentClient } from '#clients/dynamodb';
import * as config from '#commons/config';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { apiHandler } from '#http/api-handler';
import { requireApiToken } from '#http/api-token';
import { json } from '#http/responses';
import { DynamoDbTemplateStore } from '#store/dynamodb-template-store';
import type { TemplateStore } from '#store/template-store';

/** GET /templates: the registered templates with the status and category Meta's webhooks last reported. */
export const createHandler = (deps: {
  store: Pick<TemplateStore, 'listTemplates'>;
  secrets: () => Promise<Secrets<'apiTokens'>>;
}) =>
  apiHandler(
    async () => {
      const templates = await deps.store.listTemplates();
      templates.sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
      return json(200, { templates });
    },
    { middlewares: [requireApiToken(deps.secrets, 'list-templates')] },
  );

export const handler = createHandler({
  store: new DynamoDbTemplateStore(documentClient, config.tableName()),
  secrets: routeSecrets('list-templates'),
});
