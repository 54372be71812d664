import * as config from '#commons/config';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { syncTemplates, type TemplateSyncDeps } from '#commons/templates/sync-templates';
import { templateSyncDeps } from '#commons/templates/template-sync-deps';
import { apiHandler } from '#http/api-handler';
import { requireApiToken } from '#http/api-token';
import { ApiError } from '#http/errors';
import { json } from '#http/responses';

export interface SyncTemplatesHandlerDeps extends TemplateSyncDeps {
  secrets: () => Promise<Secrets<'apiTokens'>>;
  wabaId: () => string | undefined;
}

/**
 * POST /templates/sync: reads Meta's template list of WHATSAPP_WABA_ID into the registry now (the
 * schedule does the same every 15 minutes) and answers what it imported and marked deleted.
 */
export const createHandler = (deps: SyncTemplatesHandlerDeps) =>
  apiHandler(
    async () => {
      const wabaId = deps.wabaId();
      if (!wabaId) {
        throw new ApiError(
          409,
          'WABA_ID_REQUIRED',
          "Template sync reads Meta's template list of your WhatsApp Business Account: set WHATSAPP_WABA_ID " +
            '(-c wabaId=… on deploy), or register templates with PUT /templates/{name}/{language}.',
        );
      }
      const result = await syncTemplates(deps, wabaId);
      if (!result.ok) {
        throw new ApiError(
          502,
          'META_TEMPLATE_LIST_FAILED',
          `Meta's template list could not be read (HTTP ${result.httpStatus}${result.code === undefined ? '' : `, code ${result.code}`}): ${result.message}. Nothing was changed; retry later.`,
        );
      }
      return json(200, result);
    },
    { middlewares: [requireApiToken(deps.secrets, 'sync-templates')] },
  );

const secrets = routeSecrets('sync-templates');

export const handler = createHandler({
  ...templateSyncDeps(async () => (await secrets()).accessToken),
  secrets,
  wabaId: () => config.wabaId(),
});
