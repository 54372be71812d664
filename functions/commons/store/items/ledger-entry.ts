import type { ConversationRecord } from '#domain/delivery';
import type { TableKey } from '../table-schema';
import { declare } from './declaration';

/** The audit record of one conversation, kept without TTL (the conversation item expires; this stays). */
export type LedgerEntryItem = TableKey & {
  conversationId: string;
  phoneNumberId: string;
  contactId: string;
  /** the message whose delivery opened it */
  openedBy: string;
  category: string;
  origin: string;
  openedAt: number;
  closesAt: number;
  day: string;
  country: string;
  pricingModel: string;
  pricingType: string;
};

const PREFIX = 'LEDGER#';
const SK = 'LEDGER';

export const ledgerEntryItem = declare({
  kind: 'ledger-entry',
  key: (conversationId: string): TableKey => ({ pk: `${PREFIX}${conversationId}`, sk: SK }),
  matches: ({ pk, sk }) => pk.startsWith(PREFIX) && sk === SK,
  accessPatterns: [
    /** Put in the transaction of the delivery that opened the conversation */
    'open',
    /** Delete when Meta's conversation id replaces ours, in the same transaction */
    'correct',
  ],
});

export const isLedgerEntryKey = (pk: string, sk: string): boolean => ledgerEntryItem.matches({ pk, sk });

export const toLedgerEntryItem = (
  message: { id: string; phoneNumberId: string; contactId: string },
  record: ConversationRecord,
): LedgerEntryItem => ({
  ...ledgerEntryItem.key(record.id),
  conversationId: record.id,
  phoneNumberId: message.phoneNumberId,
  contactId: message.contactId,
  openedBy: message.id,
  category: record.category,
  origin: record.origin,
  openedAt: record.openedAt,
  closesAt: record.expiresAt,
  day: record.unit.day,
  country: record.unit.country,
  pricingModel: record.unit.pricingModel,
  pricingType: record.unit.pricingType,
});
