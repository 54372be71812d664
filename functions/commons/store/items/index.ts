import { accountHealthItem } from './account-health';
import { aggregateCellItem } from './aggregate-cell';
import { aggregateDayItem } from './aggregate-day';
import { aliasItem } from './alias';
import { contactMergeItem } from './contact-merge';
import { consentItem } from './consent';
import { conversationItem } from './conversation';
import { countedUnitsItem } from './counted-units';
import type { ItemDeclaration } from './declaration';
import { idempotencyRecordItem } from './idempotency-record';
import { ledgerEntryItem } from './ledger-entry';
import { messageItem } from './message';
import { numberSlotItem, pairSlotItem } from './pacing-slot';
import { parkedWebhookItem } from './parked-webhook-item';
import { templateItem } from './template';
import { templateCellItem } from './template-cell';
import { webhookBatchItem } from './webhook-batch';
import { windowItem } from './window';

/** Every item kind of the table, once. */
export const itemKinds = [
  aliasItem,
  windowItem,
  conversationItem,
  contactMergeItem,
  consentItem,
  messageItem,
  ledgerEntryItem,
  countedUnitsItem,
  aggregateCellItem,
  templateCellItem,
  aggregateDayItem,
  templateItem,
  accountHealthItem,
  idempotencyRecordItem,
  parkedWebhookItem,
  numberSlotItem,
  pairSlotItem,
  webhookBatchItem,
] as const satisfies readonly ItemDeclaration<never[]>[];

/** The kind a key belongs to (a stream image's Keys, say), or undefined for a key no kind declares. */
export const kindOfKey = (pk: string, sk: string): string | undefined =>
  itemKinds.find((declaration) => declaration.matches({ pk, sk }))?.kind;
