import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Template } from '#domain/templates';
import type { EpochSeconds } from '#domain/time';
import { DynamoDbTemplateEventWrites, NAMES } from './dynamodb-template-event-writes';
import {
  registrationOf,
  syncedRefOf,
  templateQualityOf,
  templateConditions,
  templateItem,
  TEMPLATES_PK,
  toTemplate,
} from './items/template';
import { queryPartition } from './query-partition';
import type {
  RegisterResult,
  SyncedTemplate,
  SyncedTemplateRef,
  TemplateRegistration,
  TemplateStore,
} from './template-store';

type Item = Record<string, unknown>;

/**
 * Templates on the single table: one partition, one item per name and language. Meta's webhook
 * writes come from DynamoDbTemplateEventWrites; this adds the registry's reads, registration and sync.
 */
export class DynamoDbTemplateStore extends DynamoDbTemplateEventWrites implements TemplateStore {
  async readTemplate(name: string, language: string): Promise<Template | undefined> {
    const item = await this.item(name, language);
    return item ? toTemplate(item) : undefined;
  }

  async listTemplateQuality() {
    return (await this.all()).map(templateQualityOf);
  }

  async listTemplates(): Promise<Template[]> {
    return (await this.all()).map(toTemplate);
  }

  async listSyncedTemplates(wabaId: string): Promise<SyncedTemplateRef[]> {
    return (await this.all()).filter((item) => item.wabaId === wabaId).map(syncedRefOf);
  }

  async registerTemplate(template: TemplateRegistration, at: EpochSeconds): Promise<RegisterResult> {
    return this.retried(async () => {
      const item = await this.item(template.name, template.language);
      const registration = registrationOf(item, template.status);
      if ('conflict' in registration) return registration;
      const { status } = registration;
      // An update, not a put: fields that template webhooks keep (templateId, wabaId, reasons) survive.
      await this.updateIfUnchanged(item, template, {
        UpdateExpression:
          'SET #name = :name, #language = :language, category = :category, components = :components, ' +
          '#status = :status, registeredAt = :at',
        ExpressionAttributeValues: {
          ':name': template.name,
          ':language': template.language,
          ':category': template.category,
          ':components': template.components,
          ':status': status,
          ':at': at,
        },
      });
      return { template: { ...template, status } };
    });
  }

  async applySyncedTemplate(template: SyncedTemplate, at: EpochSeconds): Promise<void> {
    // Meta's list is what Meta says now: it wins over any webhook older than the sync. Its quality is
    // stamped with the sync's time like a quality webhook's, so an older quality webhook cannot undo it.
    await this.updateUnlessOlder(
      new UpdateCommand({
        TableName: this.tableName,
        Key: templateItem.key(template.name, template.language),
        UpdateExpression:
          'SET #name = :name, #language = :language, category = :category, components = :components, ' +
          '#status = :status, templateId = :id, wabaId = :waba, statusUpdatedAt = :at, categoryUpdatedAt = :at, ' +
          'syncedAt = :at' +
          (template.quality === undefined ? '' : ', quality = :quality, qualityUpdatedAt = :at'),
        ConditionExpression:
          `(attribute_not_exists(statusUpdatedAt) OR statusUpdatedAt <= :at) AND (${templateConditions.category})` +
          (template.quality === undefined ? '' : ` AND (${templateConditions.quality})`),
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: {
          ':name': template.name,
          ':language': template.language,
          ':category': template.category,
          ':components': template.components,
          ':status': template.status,
          ':id': template.templateId,
          ':waba': template.wabaId,
          ':at': at,
          ...(template.quality === undefined ? {} : { ':quality': template.quality }),
        },
      }),
    );
  }

  private all(): Promise<Item[]> {
    return queryPartition(this.client, this.tableName, TEMPLATES_PK);
  }
}
