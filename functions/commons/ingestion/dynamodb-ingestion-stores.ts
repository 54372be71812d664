import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '#domain/time';
import { DynamoDbConsentStore } from '#store/dynamodb-consent-store';
import { DynamoDbContactStore } from '#store/dynamodb-contact-store';
import { DynamoDbHealthStore } from '#store/dynamodb-health-store';
import { DynamoDbMessageLedger } from '#store/dynamodb-message-ledger';
import { DynamoDbParkedWebhookItems } from '#store/dynamodb-parked-webhook-items';
import { DynamoDbTemplateEventWrites } from '#store/dynamodb-template-event-writes';
import type { IngestionStores } from './ingest-webhook';

/** What webhook ingestion writes, on the table: the webhook and apply-webhook-batch write the same. */
export const dynamoDbIngestionStores = (
  client: DynamoDBDocumentClient,
  tableName: string,
  retentionDays: number,
): IngestionStores => ({
  contacts: new DynamoDbContactStore(client, tableName, { clock: systemClock, retentionDays }),
  messages: new DynamoDbMessageLedger(client, tableName),
  templates: new DynamoDbTemplateEventWrites(client, tableName),
  parked: new DynamoDbParkedWebhookItems(client, tableName),
  consent: new DynamoDbConsentStore(client, tableName),
  health: new DynamoDbHealthStore(client, tableName),
});
