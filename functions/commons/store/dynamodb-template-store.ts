import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Template } from '#domain/templates';
import type { EpochSeconds } from '#domain/time';
import type { TemplateCategoryEvent, TemplateStatusEvent } from '#webhook/events';
import { templateConditions, templateItem, TEMPLATES_PK, toTemplate } from './items/template';
import type { TemplateStore } from './template-store';

/** Templates on the single table: one partition, one item per name and language. */
export class DynamoDbTemplateStore implements TemplateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async readTemplate(name: string, language: string): Promise<Template | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: templateItem.key(name, language), ConsistentRead: true }),
    );
    return Item ? toTemplate(Item) : undefined;
  }

  async listTemplates(): Promise<Template[]> {
    const templates: Template[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': TEMPLATES_PK },
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      );
      templates.push(...(page.Items ?? []).map(toTemplate));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return templates;
  }

  async registerTemplate(template: Template, at: EpochSeconds): Promise<void> {
    // An update, not a put: fields that template webhooks keep (templateId, wabaId, reasons) survive.
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: templateItem.key(template.name, template.language),
        UpdateExpression:
          'SET #name = :name, #language = :language, category = :category, components = :components, ' +
          '#status = :status, registeredAt = :at',
        ExpressionAttributeNames: { '#name': 'name', '#language': 'language', '#status': 'status' },
        ExpressionAttributeValues: {
          ':name': template.name,
          ':language': template.language,
          ':category': template.category,
          ':components': template.components,
          ':status': template.status,
          ':at': at,
        },
      }),
    );
  }

  async applyTemplateStatus(event: TemplateStatusEvent): Promise<void> {
    await this.updateUnlessOlder(
      new UpdateCommand({
        TableName: this.tableName,
        Key: templateItem.key(event.name, event.language),
        UpdateExpression:
          'SET #name = :name, #language = :language, templateId = :id, wabaId = :waba, #status = :status, ' +
          'statusReason = :reason, statusUpdatedAt = :at' +
          (event.category ? ', category = :category' : ''),
        ConditionExpression: templateConditions.status,
        ExpressionAttributeNames: { '#name': 'name', '#language': 'language', '#status': 'status' },
        ExpressionAttributeValues: {
          ':name': event.name,
          ':language': event.language,
          ':id': event.templateId,
          ':waba': event.wabaId,
          ':status': event.event,
          ':reason': event.reason ?? 'NONE',
          ':at': event.timestamp ?? 0,
          ...(event.category ? { ':category': event.category } : {}),
        },
      }),
    );
  }

  async applyTemplateCategory(event: TemplateCategoryEvent): Promise<void> {
    await this.updateUnlessOlder(
      new UpdateCommand({
        TableName: this.tableName,
        Key: templateItem.key(event.name, event.language),
        UpdateExpression:
          'SET #name = :name, #language = :language, templateId = :id, wabaId = :waba, category = :category, ' +
          'categoryUpdatedAt = :at' +
          (event.previousCategory ? ', previousCategory = :previous' : ''),
        ConditionExpression: templateConditions.category,
        ExpressionAttributeNames: { '#name': 'name', '#language': 'language' },
        ExpressionAttributeValues: {
          ':name': event.name,
          ':language': event.language,
          ':id': event.templateId,
          ':waba': event.wabaId,
          ':category': event.newCategory,
          ':at': event.timestamp ?? 0,
          ...(event.previousCategory ? { ':previous': event.previousCategory } : {}),
        },
      }),
    );
  }

  /** Meta's older update arriving late changes nothing: a failed condition is the expected outcome. */
  private async updateUnlessOlder(command: UpdateCommand): Promise<void> {
    try {
      await this.client.send(command);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
