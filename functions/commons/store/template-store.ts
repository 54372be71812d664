import type { MetaStatus } from '#domain/template-lifecycle';
import type { TemplateQuality } from '#domain/health-view';
import type { Template } from '#domain/templates';
import type { EpochSeconds } from '#domain/time';
import type {
  TemplateCategoryEvent,
  TemplateComponentsEvent,
  TemplateQualityEvent,
  TemplateStatusEvent,
} from '#webhook/events';

/** What PUT /templates registers: a template whose status, when left out, stays what it is. */
export type TemplateRegistration = Omit<Template, 'status'> & { status?: string };

/** A registration refused because Meta set another status; otherwise the template as stored. */
export type RegisterResult = { template: Template } | { conflict: MetaStatus };

/** A template as Meta's template API lists it (GET /{waba-id}/message_templates). */
export interface SyncedTemplate extends Template {
  templateId: string;
  wabaId: string;
  quality?: string;
}

/** A template of a WABA as the registry holds it. */
export interface SyncedTemplateRef {
  name: string;
  language: string;
  status: string;
  templateId: string;
}

/**
 * Message templates: registered through our API, kept current by Meta's template webhooks and by the
 * sync from Meta's template list. The one writer of template items, whichever route, webhook or
 * schedule the change comes from.
 */
export interface TemplateStore {
  readTemplate(name: string, language: string): Promise<Template | undefined>;
  listTemplates(): Promise<Template[]>;
  /** Every template's quality as Meta last scored it (GET /numbers/{id}). */
  listTemplateQuality(): Promise<TemplateQuality[]>;
  /**
   * PUT /templates: the fields we register; those Meta's webhooks keep (ids, reasons) survive. A status
   * other than the one Meta set is refused (#domain/template-lifecycle).
   */
  registerTemplate(template: TemplateRegistration, at: EpochSeconds): Promise<RegisterResult>;
  /** Meta's status update, through its lifecycle; an older one than the last applied is ignored. */
  applyTemplateStatus(event: TemplateStatusEvent): Promise<void>;
  /** Meta's category update; an older one than the last applied is ignored. */
  applyTemplateCategory(event: TemplateCategoryEvent): Promise<void>;
  /** Meta's quality score of the template; an older one than the last applied is ignored. */
  applyTemplateQuality(event: TemplateQualityEvent): Promise<void>;
  /** Meta's edit of the template's components (#domain/template-lifecycle.componentsAfterEdit); older ones ignored. */
  applyTemplateComponents(event: TemplateComponentsEvent): Promise<void>;
  /** A template as Meta lists it at `at`: Meta's status, category and components. */
  applySyncedTemplate(template: SyncedTemplate, at: EpochSeconds): Promise<void>;
  /** The templates an earlier sync of this WABA imported (name and language). */
  listSyncedTemplates(wabaId: string): Promise<SyncedTemplateRef[]>;
}

/** Meta's template webhooks: each kept by its own write of the template item. */
export type TemplateEvent =
  TemplateStatusEvent | TemplateCategoryEvent | TemplateQualityEvent | TemplateComponentsEvent;

/** The part of the store that Meta's template webhooks write through. */
export type TemplateEventWrites = Pick<
  TemplateStore,
  'applyTemplateStatus' | 'applyTemplateCategory' | 'applyTemplateQuality' | 'applyTemplateComponents'
>;

const writeOf: {
  [K in TemplateEvent['kind']]: (
    store: TemplateEventWrites,
    event: Extract<TemplateEvent, { kind: K }>,
  ) => Promise<void>;
} = {
  'template-status': (store, event) => store.applyTemplateStatus(event),
  'template-category': (store, event) => store.applyTemplateCategory(event),
  'template-quality': (store, event) => store.applyTemplateQuality(event),
  'template-components': (store, event) => store.applyTemplateComponents(event),
};

/** One of Meta's template webhooks through the store's write for its kind. */
export const applyTemplateEvent = (store: TemplateEventWrites, event: TemplateEvent): Promise<void> =>
  // TypeScript cannot relate the event's kind to the entry it picks; writeOf's type checks each entry.
  (writeOf[event.kind] as (store: TemplateEventWrites, event: TemplateEvent) => Promise<void>)(store, event);
