import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { componentsAfterEdit } from '#domain/template-lifecycle';
import type { Template } from '#domain/templates';
import type { EpochSeconds } from '#domain/time';
import type {
  TemplateCategoryEvent,
  TemplateComponentsEvent,
  TemplateQualityEvent,
  TemplateStatusEvent,
} from '#webhook/events';
import { readItem, writeIfCondition } from './item-commands';
import {
  registrationOf,
  statusChangeOf,
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

/** Writes computed from the item read are retried this often when another write came between. */
const ATTEMPTS = 5;

const NAMES = { '#name': 'name', '#language': 'language', '#status': 'status' };

/** Templates on the single table: one partition, one item per name and language. */
export class DynamoDbTemplateStore implements TemplateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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

  async applyTemplateStatus(event: TemplateStatusEvent): Promise<void> {
    await this.retried(async () => {
      const item = await this.item(event.name, event.language);
      const next = statusChangeOf(item, event);
      if (!next) return;
      await this.updateIfUnchanged(item, event, {
        UpdateExpression:
          'SET #name = :name, #language = :language, templateId = :id, wabaId = :waba, #status = :status, ' +
          'statusReason = :reason, statusUpdatedAt = :at' +
          (event.category ? ', category = :category' : '') +
          (next.statusBeforeArchive === undefined ? ' REMOVE statusBeforeArchive' : ', statusBeforeArchive = :before'),
        ExpressionAttributeValues: {
          ':name': event.name,
          ':language': event.language,
          ':id': event.templateId,
          ':waba': event.wabaId,
          ':status': next.status,
          ':reason': event.reason ?? 'NONE',
          ':at': next.at,
          ...(event.category ? { ':category': event.category } : {}),
          ...(next.statusBeforeArchive === undefined ? {} : { ':before': next.statusBeforeArchive }),
        },
      });
    });
  }

  async applyTemplateCategory(event: TemplateCategoryEvent): Promise<void> {
    const previous = event.previousCategory ? ', previousCategory = :previous' : '';
    await this.updateUnlessOlder(
      this.templateUpdate(event, `category = :category, categoryUpdatedAt = :at${previous}`, 'category', {
        ':category': event.newCategory,
        ...(event.previousCategory ? { ':previous': event.previousCategory } : {}),
      }),
    );
  }

  async applyTemplateQuality(event: TemplateQualityEvent): Promise<void> {
    await this.updateUnlessOlder(
      this.templateUpdate(event, 'quality = :quality, qualityUpdatedAt = :at', 'quality', {
        ':quality': event.quality,
      }),
    );
  }

  async applyTemplateComponents(event: TemplateComponentsEvent): Promise<void> {
    const item = await this.item(event.name, event.language);
    const components = componentsAfterEdit((item?.components ?? []) as Template['components'], event);
    await this.updateUnlessOlder(
      this.templateUpdate(event, 'components = :components, componentsUpdatedAt = :at', 'components', {
        ':components': components,
      }),
    );
  }

  /** An update of Meta's webhook fields of one template, written only if no newer one of the kind came first. */
  private templateUpdate(
    event: TemplateCategoryEvent | TemplateQualityEvent | TemplateComponentsEvent,
    set: string,
    condition: 'category' | 'quality' | 'components',
    values: Record<string, unknown>,
  ): UpdateCommand {
    return new UpdateCommand({
      TableName: this.tableName,
      Key: templateItem.key(event.name, event.language),
      UpdateExpression: `SET #name = :name, #language = :language, templateId = :id, wabaId = :waba, ${set}`,
      ConditionExpression: templateConditions[condition],
      ExpressionAttributeNames: { '#name': 'name', '#language': 'language' },
      ExpressionAttributeValues: {
        ':name': event.name,
        ':language': event.language,
        ':id': event.templateId,
        ':waba': event.wabaId,
        ':at': event.timestamp ?? 0,
        ...values,
      },
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

  private item(name: string, language: string): Promise<Item | undefined> {
    return readItem(this.client, this.tableName, templateItem.key(name, language), { ConsistentRead: true });
  }

  private all(): Promise<Item[]> {
    return queryPartition(this.client, this.tableName, TEMPLATES_PK);
  }

  /** An update computed from `seen`, written only while the status and its time are still as read. */
  private async updateIfUnchanged(
    seen: Item | undefined,
    template: { name: string; language: string },
    update: { UpdateExpression: string; ExpressionAttributeValues: Record<string, unknown> },
  ): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: templateItem.key(template.name, template.language),
        UpdateExpression: update.UpdateExpression,
        ConditionExpression: templateConditions.statusUnchanged(seen),
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...templateConditions.seenValues(seen) },
      }),
    );
  }

  /** Read, decide, write; again when another write came between the read and the write. */
  private async retried<T>(attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || tries >= ATTEMPTS) throw error;
      }
    }
  }

  /** Meta's older update arriving late changes nothing: a failed condition is the expected outcome. */
  private async updateUnlessOlder(command: UpdateCommand): Promise<void> {
    await writeIfCondition(this.client, command);
  }
}
