import { documentClient } from '#clients/dynamodb';
import * as config from '#commons/config';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { apiHandler } from '#http/api-handler';
import { requireApiToken } from '#http/api-token';
import { readJsonBody } from '#http/json-body';
import { ApiError } from '#http/errors';
import { json } from '#http/responses';
import { systemClock, toIso, type Clock } from '#domain/time';
import { validateTemplateRegistration } from '#send/validate-template';
import { DynamoDbTemplateStore } from '#store/dynamodb-template-store';
import type { TemplateStore } from '#store/template-store';

const BODY = '{ "category", "components", "status" }';

export interface PutTemplateDeps {
  store: Pick<TemplateStore, 'registerTemplate'>;
  clock: Clock;
  secrets: () => Promise<Secrets<'apiTokens'>>;
}

/**
 * PUT /templates/{name}/{language}: registers a template as it exists at Meta, so sends can be checked.
 * A status Meta set (by webhook or sync) is never overruled: another status answers 409 with Meta's.
 */
export const createHandler = (deps: PutTemplateDeps) =>
  apiHandler(
    async (event) => {
      const template = validateTemplateRegistration(
        event.pathParameters?.name ?? '',
        event.pathParameters?.language ?? '',
        readJsonBody(event, BODY),
      );
      const result = await deps.store.registerTemplate(template, deps.clock());
      if ('conflict' in result) {
        const { status, reason, at } = result.conflict;
        throw new ApiError(
          409,
          'TEMPLATE_STATUS_SET_BY_META',
          `Meta says template ${template.name} (${template.language}) is ${status}` +
            `${reason === undefined ? '' : ` (${reason})`} since ${toIso(at)}; a PUT cannot change a status Meta set. ` +
            'Leave status out to register the components and category, or wait for Meta to change it.',
        );
      }
      return json(200, result.template);
    },
    { middlewares: [requireApiToken(deps.secrets, 'put-template')] },
  );

export const handler = createHandler({
  store: new DynamoDbTemplateStore(documentClient, config.tableName()),
  clock: systemClock,
  secrets: routeSecrets('put-template'),
});
