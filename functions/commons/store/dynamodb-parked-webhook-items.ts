import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toParkedWebhookItem, type ParkedWebhookContent } from './items/parked-webhook-item';
import type { ParkedWebhookItems } from './parked-webhook-items';

export class DynamoDbParkedWebhookItems implements ParkedWebhookItems {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async park(content: ParkedWebhookContent): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: toParkedWebhookItem(content) }));
  }
}
