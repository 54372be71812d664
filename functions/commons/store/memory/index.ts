import type { AliasRetention } from '../contact-store';
import { sessionReads } from '../contact-reads';
import { MemoryConsentStore } from './memory-consent-store';
import { MemoryContactReads } from './memory-contact-reads';
import { MemoryContactStore } from './memory-contact-store';
import { MemoryHealthStore } from './memory-health-store';
import { MemoryInboundReceipts } from './memory-inbound-receipts';
import { MemoryMessageLedger } from './memory-message-ledger';
import { MemoryPacingStore } from './memory-pacing-store';
import { MemoryParkedWebhookItems } from './memory-parked-webhook-items';
import { MemoryReportStore } from './memory-report-store';
import { MemoryTable } from './memory-table';
import { MemoryTemplateStore } from './memory-template-store';
import { MemoryWebhookBatches } from './memory-webhook-batches';

/**
 * Every store port in memory, over one shared table (a contact's partition holds what two stores
 * write). For fast tests of the orchestration; test/contract/ holds each fake to its DynamoDB
 * adapter's behaviour. Never wired into a handler.
 */
export const memoryStores = (table = new MemoryTable(), retention?: AliasRetention) => ({
  table,
  contacts: new MemoryContactStore(table, retention),
  /** the session route's read alone, as functions/get-session wires it on DynamoDB */
  sessions: sessionReads(new MemoryContactReads(table), retention?.clock),
  messages: new MemoryMessageLedger(table),
  templates: new MemoryTemplateStore(table),
  parked: new MemoryParkedWebhookItems(table),
  pacing: new MemoryPacingStore(table),
  reports: new MemoryReportStore(table),
  batches: new MemoryWebhookBatches(table),
  receipts: new MemoryInboundReceipts(table),
  consent: new MemoryConsentStore(table),
  health: new MemoryHealthStore(table),
});

export type MemoryStores = ReturnType<typeof memoryStores>;
export { MemoryTable };
