import { aggregateCellItem } from './aggregate-cell';
import { aliasItem } from './alias';
import { consentItem } from './consent';
import { conversationItem } from './conversation';
import type { ItemDeclaration } from './declaration';
import { idempotencyRecordItem } from './idempotency-record';
import { ledgerEntryItem } from './ledger-entry';
import { messageItem } from './message';
import { numberSlotItem, pairSlotItem } from './pacing-slot';
import { parkedWebhookItem } from './parked-webhook-item';
import { templateItem } from './template';
import { windowItem } from './window';

/** Every item kind of the table, once. */
export const itemKinds = [
  aliasItem,
  windowItem,
  conversationItem,
  consentItem,
  messageItem,
  ledgerEntryItem,
  aggregateCellItem,
  templateItem,
  idempotencyRecordItem,
  parkedWebhookItem,
  numberSlotItem,
  pairSlotItem,
] as const satisfies readonly ItemDeclaration<never[]>[];

/** The kind a key belongs to (a stream image's Keys, say), or undefined for a key no kind declares. */
export const kindOfKey = (pk: string, sk: string): string | undefined =>
  itemKinds.find((declaration) => declaration.matches({ pk, sk }))?.kind;
