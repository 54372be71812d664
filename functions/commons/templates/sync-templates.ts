import { logger } from '#commons/logger';
import { normalizeLanguage, removedTemplates } from '#domain/template-lifecycle';
import { TEMPLATE_CATEGORIES, type Template, type TemplateCategory } from '#domain/templates';
import type { EpochSeconds } from '#domain/time';
import type { MetaTemplate, TemplateListResult } from '#graph/message-templates';
import type { TemplateStore } from '#store/template-store';

/**
 * The template registry brought in line with Meta's template list (GET /{waba-id}/message_templates):
 * every template Meta lists is written with Meta's status, category, components and quality; those
 * an earlier sync brought in that Meta no longer lists are marked DELETED. Run by POST /templates/sync
 * and on a schedule (every 15 minutes by default).
 */
export interface TemplateSyncDeps {
  store: Pick<TemplateStore, 'applySyncedTemplate' | 'applyTemplateStatus' | 'listSyncedTemplates'>;
  listTemplates: (wabaId: string) => Promise<TemplateListResult>;
  clock: () => EpochSeconds;
}

export type TemplateSyncResult =
  | { ok: true; wabaId: string; imported: number; deleted: string[]; skipped: number; pages: number }
  | { ok: false; httpStatus: number; code?: number; message: string };

const categoryOf = (category: string): TemplateCategory | undefined =>
  TEMPLATE_CATEGORIES.find((known) => known === category.toLowerCase());

export const syncTemplates = async (deps: TemplateSyncDeps, wabaId: string): Promise<TemplateSyncResult> => {
  const listed = await deps.listTemplates(wabaId);
  if (!listed.ok) return listed;
  const at = deps.clock();
  let skipped = 0;
  const imported: MetaTemplate[] = [];
  for (const template of listed.templates) {
    const category = categoryOf(template.category);
    // A category the registry cannot hold (Meta's newer ones) is left out rather than guessed.
    if (category === undefined) {
      skipped += 1;
      continue;
    }
    await deps.store.applySyncedTemplate(
      {
        name: template.name,
        language: normalizeLanguage(template.language),
        category,
        status: template.status.toUpperCase(),
        components: template.components as Template['components'],
        templateId: template.id,
        wabaId,
        ...(template.quality === undefined ? {} : { quality: template.quality }),
      },
      at,
    );
    imported.push(template);
  }
  const removed = removedTemplates(await deps.store.listSyncedTemplates(wabaId), listed.templates);
  for (const template of removed) {
    await deps.store.applyTemplateStatus({
      kind: 'template-status',
      wabaId,
      templateId: template.templateId,
      name: template.name,
      language: template.language,
      event: 'DELETED',
      reason: 'NOT_LISTED_BY_META',
      timestamp: at,
      raw: {},
    });
  }
  logger.info('templates synced', { imported: imported.length, deleted: removed.length, skipped, pages: listed.pages });
  return {
    ok: true,
    wabaId,
    imported: imported.length,
    deleted: removed.map((template) => `${template.name} (${template.language})`),
    skipped,
    pages: listed.pages,
  };
};
