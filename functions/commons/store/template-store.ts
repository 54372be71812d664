import type { Template } from '#domain/templates';
import type { EpochSeconds } from '#domain/time';
import type { TemplateCategoryEvent, TemplateStatusEvent } from '#webhook/events';

/**
 * Message templates: registered through our API, kept current by Meta's template webhooks. The one
 * writer of template items, whichever route or webhook the change comes from.
 */
export interface TemplateStore {
  readTemplate(name: string, language: string): Promise<Template | undefined>;
  listTemplates(): Promise<Template[]>;
  /** PUT /templates: the fields we register; those Meta's webhooks keep (ids, reasons) survive. */
  registerTemplate(template: Template, at: EpochSeconds): Promise<void>;
  /** Meta's status update; an older one than the last applied is ignored. */
  applyTemplateStatus(event: TemplateStatusEvent): Promise<void>;
  /** Meta's category update; an older one than the last applied is ignored. */
  applyTemplateCategory(event: TemplateCategoryEvent): Promise<void>;
}
