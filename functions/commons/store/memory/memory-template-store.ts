import type { Template } from '#domain/templates';
import type { EpochSeconds } from '#domain/time';
import type { TemplateCategoryEvent, TemplateStatusEvent } from '#webhook/events';
import { templateItem, TEMPLATES_PK, toTemplate } from '../items/template';
import type { TemplateStore } from '../template-store';
import type { MemoryTable } from './memory-table';

const olderThan = (last: unknown, at: number): boolean => typeof last === 'number' && last > at;

export class MemoryTemplateStore implements TemplateStore {
  constructor(private readonly table: MemoryTable) {}

  async readTemplate(name: string, language: string): Promise<Template | undefined> {
    const item = this.table.get(templateItem.key(name, language));
    return item ? toTemplate(item) : undefined;
  }

  async listTemplates(): Promise<Template[]> {
    return this.table.query(TEMPLATES_PK).map(toTemplate);
  }

  async registerTemplate(template: Template, at: EpochSeconds): Promise<void> {
    this.table.update(templateItem.key(template.name, template.language), {
      name: template.name,
      language: template.language,
      category: template.category,
      components: template.components,
      status: template.status,
      registeredAt: at,
    });
  }

  async applyTemplateStatus(event: TemplateStatusEvent): Promise<void> {
    const key = templateItem.key(event.name, event.language);
    const at = event.timestamp ?? 0;
    if (olderThan(this.table.get(key)?.statusUpdatedAt, at)) return;
    this.table.update(key, {
      name: event.name,
      language: event.language,
      templateId: event.templateId,
      wabaId: event.wabaId,
      status: event.event,
      statusReason: event.reason ?? 'NONE',
      statusUpdatedAt: at,
      ...(event.category ? { category: event.category } : {}),
    });
  }

  async applyTemplateCategory(event: TemplateCategoryEvent): Promise<void> {
    const key = templateItem.key(event.name, event.language);
    const at = event.timestamp ?? 0;
    if (olderThan(this.table.get(key)?.categoryUpdatedAt, at)) return;
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
}
