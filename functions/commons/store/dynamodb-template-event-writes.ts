import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { componentsAfterEdit } from '#domain/template-lifecycle';
import type { Template } from '#domain/templates';
import type {
  TemplateCategoryEvent,
  TemplateComponentsEvent,
  TemplateQualityEvent,
  TemplateStatusEvent,
} from '#webhook/events';
import { readItem, writeIfCondition } from './item-commands';
import { statusChangeOf, templateConditions, templateItem } from './items/template';
import type { TemplateEventWrites } from './template-store';

type Item = Record<string, unknown>;

/** Writes computed from the item read are retried this often when another write came between. */
const ATTEMPTS = 5;

export const NAMES = { '#name': 'name', '#language': 'language', '#status': 'status' };

/**
 * What Meta's template webhooks write to the templates partition: the webhook's part of the template
 * store, on its own so that webhook ingestion holds these writes without the registry's reads,
 * registration and sync (DynamoDbTemplateStore adds those on top).
 */
export class DynamoDbTemplateEventWrites implements TemplateEventWrites {
  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

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

  protected item(name: string, language: string): Promise<Item | undefined> {
    return readItem(this.client, this.tableName, templateItem.key(name, language), { ConsistentRead: true });
  }

  /** An update computed from `seen`, written only while the status and its time are still as read. */
  protected async updateIfUnchanged(
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
  protected async retried<T>(attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || tries >= ATTEMPTS) throw error;
      }
    }
  }

  /** Meta's older update arriving late changes nothing: a failed condition is the expected outcome. */
  protected async updateUnlessOlder(command: UpdateCommand): Promise<void> {
    await writeIfCondition(this.client, command);
  }
}
