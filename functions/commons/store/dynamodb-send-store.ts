import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { gcra, type RateLimit } from '#domain/pacing';
import type { Template } from '#domain/templates';
import type { EpochSeconds } from '#domain/time';
import { keys } from './keys';
import type { PacingResult, SendStore } from './send-store';

const PAIR_ATTEMPTS = 5;

const toTemplate = (item: Record<string, unknown>): Template => ({
  name: String(item.name),
  language: String(item.language),
  category: String(item.category ?? '') as Template['category'],
  status: String(item.status ?? 'UNKNOWN'),
  components: (item.components ?? []) as Template['components'],
});

export class DynamoDbSendStore implements SendStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async readTemplate(name: string, language: string): Promise<Template | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.template(name, language), ConsistentRead: true }),
    );
    return Item ? toTemplate(Item) : undefined;
  }

  async putTemplate(template: Template, at: EpochSeconds): Promise<void> {
    // An update, not a put: fields that template webhooks keep (templateId, wabaId, reasons) survive.
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.template(template.name, template.language),
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

  async listTemplates(): Promise<Template[]> {
    const templates: Template[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.template('', '').pk },
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      );
      templates.push(...(page.Items ?? []).map(toTemplate));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return templates;
  }

  async takeNumberSlot(phoneNumberId: string, now: EpochSeconds, messagesPerSecond: number): Promise<PacingResult> {
    const second = Math.floor(now);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.numberPace(phoneNumberId, second),
          UpdateExpression: 'ADD sends :one SET expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(sends) OR sends < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': messagesPerSecond, ':expiresAt': second + 60 },
        }),
      );
      return { allowed: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { allowed: false, retryAfter: 1 };
      throw error;
    }
  }

  async takePairSlot(
    phoneNumberId: string,
    contactId: string,
    now: EpochSeconds,
    limit: RateLimit,
  ): Promise<PacingResult> {
    const key = keys.pairPace(phoneNumberId, contactId);
    for (let attempt = 0; attempt < PAIR_ATTEMPTS; attempt++) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const stored = typeof Item?.tat === 'number' ? Item.tat : undefined;
      const decision = gcra(limit, stored, now);
      if (!decision.allowed) return decision;
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, tat: decision.next, expiresAt: Math.ceil(decision.next) + 60 },
            ConditionExpression: stored === undefined ? 'attribute_not_exists(tat)' : 'tat = :stored',
            ...(stored === undefined ? {} : { ExpressionAttributeValues: { ':stored': stored } }),
          }),
        );
        return { allowed: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    // Sends to one user racing this hard are themselves over the pair rate.
    return { allowed: false, retryAfter: Math.ceil(limit.interval) };
  }
}
