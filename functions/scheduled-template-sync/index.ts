import middy from '@middy/core';
import * as config from '#commons/config';
import { injectLambdaContext, logger } from '#commons/logger';
import { loadSecrets } from '#commons/secrets';
import { traceHandler } from '#commons/tracer';
import { syncTemplates, type TemplateSyncDeps, type TemplateSyncResult } from '#commons/templates/sync-templates';
import { templateSyncDeps } from '#commons/templates/template-sync-deps';
import { templateSyncSecrets } from '#routes';

/**
 * Every 15 minutes (lib/template-sync-schedule.ts): Meta's template list of WHATSAPP_WABA_ID into the
 * registry, as POST /templates/sync does. A failure throws, so the schedule's retries and its
 * dead-letter queue see it.
 */
export const createHandler = (deps: TemplateSyncDeps & { wabaId: () => string | undefined }) =>
  middy(async (): Promise<TemplateSyncResult | { skipped: 'no WHATSAPP_WABA_ID' }> => {
    const wabaId = deps.wabaId();
    if (!wabaId) return { skipped: 'no WHATSAPP_WABA_ID' };
    const result = await syncTemplates(deps, wabaId);
    if (!result.ok)
      throw new Error(`Meta's template list could not be read: HTTP ${result.httpStatus} ${result.message}`);
    return result;
  })
    .use(traceHandler())
    .use(injectLambdaContext(logger, { resetKeys: true }));

export const handler = createHandler({
  ...templateSyncDeps(async () => (await loadSecrets(templateSyncSecrets)).accessToken),
  wabaId: () => config.wabaId(),
});
