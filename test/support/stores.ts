import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AliasRetention } from '#store/contact-store';
import { DynamoDbConsentStore } from '#store/dynamodb-consent-store';
import { sessionReads } from '#store/contact-reads';
import { DynamoDbContactReads } from '#store/dynamodb-contact-reads';
import { DynamoDbContactStore } from '#store/dynamodb-contact-store';
import { DynamoDbHealthStore } from '#store/dynamodb-health-store';
import { DynamoDbInboundReceipts } from '#store/dynamodb-inbound-receipts';
import { DynamoDbMessageLedger } from '#store/dynamodb-message-ledger';
import { DynamoDbPacingStore } from '#store/dynamodb-pacing-store';
import { DynamoDbParkedWebhookItems } from '#store/dynamodb-parked-webhook-items';
import { DynamoDbReportStore } from '#store/dynamodb-report-store';
import { DynamoDbTemplateStore } from '#store/dynamodb-template-store';
import { DynamoDbWebhookBatches } from '#store/dynamodb-webhook-batches';
import { TEST_TABLE_NAME, testDocumentClient } from './environment.ts';

/** Every store port on the test run's DynamoDB Local, as the handlers wire them. */
export const tableStores = (
  client: DynamoDBDocumentClient = testDocumentClient(),
  tableName = TEST_TABLE_NAME,
  retention?: AliasRetention,
) => ({
  contacts: new DynamoDbContactStore(client, tableName, retention),
  /** the session route's read alone (functions/get-session) */
  sessions: sessionReads(new DynamoDbContactReads(client, tableName), retention?.clock),
  messages: new DynamoDbMessageLedger(client, tableName),
  templates: new DynamoDbTemplateStore(client, tableName),
  parked: new DynamoDbParkedWebhookItems(client, tableName),
  pacing: new DynamoDbPacingStore(client, tableName),
  reports: new DynamoDbReportStore(client, tableName),
  batches: new DynamoDbWebhookBatches(client, tableName),
  receipts: new DynamoDbInboundReceipts(client, tableName),
  consent: new DynamoDbConsentStore(client, tableName),
  health: new DynamoDbHealthStore(client, tableName),
});

export type TableStores = ReturnType<typeof tableStores>;
