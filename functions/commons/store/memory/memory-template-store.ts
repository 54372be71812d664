import { componentsAfterEdit } from '#domain/template-lifecycle';
import type { Template } from '#domain/templates';
import type { EpochSeconds } from '#domain/time';
import type {
  TemplateCategoryEvent,
  TemplateComponentsEvent,
  TemplateQualityEvent,
  TemplateStatusEvent,
} from '#webhook/events';
import {
  olderThanApplied,
  registrationOf,
  statusChangeOf,
  syncedRefOf,
  templateItem,
  templateQualityOf,
  TEMPLATES_PK,
  toTemplate,
} from '../items/template';
import type {
  RegisterResult,
  SyncedTemplate,
  SyncedTemplateRef,
  TemplateRegistration,
  TemplateStore,
} from '../template-store';
import type { MemoryTable } from './memory-table';

export class MemoryTemplateStore implements TemplateStore {
  constructor(private readonly table: MemoryTable) {}

  async readTemplate(name: string, language: string): Promise<Template | undefined> {
    const item = this.table.get(templateItem.key(name, language));
    return item ? toTemplate(item) : undefined;
  }

  async listTemplateQuality() {
    return this.table.query(TEMPLATES_PK).map(templateQualityOf);
  }

  async listTemplates(): Promise<Template[]> {
    return this.table.query(TEMPLATES_PK).map(toTemplate);
  }

  async listSyncedTemplates(wabaId: string): Promise<SyncedTemplateRef[]> {
    return this.table
      .query(TEMPLATES_PK)
      .filter((item) => item.wabaId === wabaId)
      .map(syncedRefOf);
  }

  async registerTemplate(template: TemplateRegistration, at: EpochSeconds): Promise<RegisterResult> {
    const key = templateItem.key(template.name, template.language);
    const registration = registrationOf(this.table.get(key), template.status);
    if ('conflict' in registration) return registration;
    const { status } = registration;
    this.table.update(key, {
      name: template.name,
      language: template.language,
      category: template.category,
      components: template.components,
      status,
      registeredAt: at,
    });
    return { template: { ...template, status } };
  }

  async applyTemplateStatus(event: TemplateStatusEvent): Promise<void> {
    const key = templateItem.key(event.name, event.language);
    const item = this.table.get(key);
    const next = statusChangeOf(item, event);
    if (!next) return;
    const { statusBeforeArchive: _previous, ...rest } = item ?? { pk: key.pk, sk: key.sk };
    this.table.put({
      ...rest,
      ...key,
      name: event.name,
      language: event.language,
      templateId: event.templateId,
      wabaId: event.wabaId,
      status: next.status,
      statusReason: event.reason ?? 'NONE',
      statusUpdatedAt: next.at,
      ...(event.category ? { category: event.category } : {}),
      ...(next.statusBeforeArchive === undefined ? {} : { statusBeforeArchive: next.statusBeforeArchive }),
    });
  }

  async applyTemplateCategory(event: TemplateCategoryEvent): Promise<void> {
    const key = templateItem.key(event.name, event.language);
    const at = event.timestamp ?? 0;
    if (olderThanApplied(this.table.get(key)?.categoryUpdatedAt, at)) return;
    this.table.update(key, {
      name: event.name,
      language: event.language,
      templateId: event.templateId,
      wabaId: event.wabaId,
      category: event.newCategory,
      categoryUpdatedAt: at,
      ...(event.previousCategory ? { previousCategory: event.previousCategory } : {}),
    });
  }

  async applyTemplateQuality(event: TemplateQualityEvent): Promise<void> {
    const key = templateItem.key(event.name, event.language);
    const at = event.timestamp ?? 0;
    if (olderThanApplied(this.table.get(key)?.qualityUpdatedAt, at)) return;
    this.table.update(key, { ...this.refOf(event), quality: event.quality, qualityUpdatedAt: at });
  }

  async applyTemplateComponents(event: TemplateComponentsEvent): Promise<void> {
    const key = templateItem.key(event.name, event.language);
    const item = this.table.get(key);
    const at = event.timestamp ?? 0;
    if (olderThanApplied(item?.componentsUpdatedAt, at)) return;
    const components = componentsAfterEdit((item?.components ?? []) as Template['components'], event);
    this.table.update(key, { ...this.refOf(event), components, componentsUpdatedAt: at });
  }

  private refOf(event: TemplateQualityEvent | TemplateComponentsEvent) {
    return { name: event.name, language: event.language, templateId: event.templateId, wabaId: event.wabaId };
  }

  async applySyncedTemplate(template: SyncedTemplate, at: EpochSeconds): Promise<void> {
    const key = templateItem.key(template.name, template.language);
    const item = this.table.get(key);
    if (olderThanApplied(item?.statusUpdatedAt, at) || olderThanApplied(item?.categoryUpdatedAt, at)) return;
    if (template.quality !== undefined && olderThanApplied(item?.qualityUpdatedAt, at)) return;
    this.table.update(key, {
      name: template.name,
      language: template.language,
      category: template.category,
      components: template.components,
      status: template.status,
      templateId: template.templateId,
      wabaId: template.wabaId,
      statusUpdatedAt: at,
      categoryUpdatedAt: at,
      syncedAt: at,
      ...(template.quality === undefined ? {} : { quality: template.quality, qualityUpdatedAt: at }),
    });
  }
}
