import { createHash } from 'node:crypto';
import type { ConversationRecord } from '#domain/delivery';
import type { TableKey } from '../table-schema';
import { declare } from './declaration';

/**
 * The audit record of one conversation, kept without TTL past the message retention (the
 * conversation item and the message records expire; this stays, like the aggregate cells). It holds
 * what the report and an audit need: when, which business number, category, origin and billing cell.
 * The user and message ids it names are hashed (idHash): a wamid carries the user's phone number
 * (base64), a contact id is a phone number or a business-scoped user id, and neither may outlive
 * the retention in clear. An auditor who holds an id finds its entry by hashing it.
 */
export type LedgerEntryItem = TableKey & {
  /** idHash of the conversation id (ours is `conv.<wamid>`) */
  conversationHash: string;
  phoneNumberId: string;
  /** idHash of the contact id */
  contactHash: string;
  /** idHash of the message whose delivery opened it */
  openedByHash: string;
  category: string;
  origin: string;
  openedAt: number;
  closesAt: number;
  day: string;
  country: string;
  pricingModel: string;
  pricingType: string;
};

/**
 * SHA-256 (hex) of an id: a one-way, stable pseudonym anyone can recompute from the id
 * (`printf %s "$id" | sha256sum`) to find or check an entry, with no key to keep or rotate. Unkeyed,
 * it hides an id from a reader of the table but not from one who guesses phone numbers one by one.
 */
export const idHash = (id: string): string => createHash('sha256').update(id, 'utf8').digest('hex');

const PREFIX = 'LEDGER#';
const SK = 'LEDGER';

export const ledgerEntryItem = declare({
  kind: 'ledger-entry',
  key: (conversationId: string): TableKey => ({ pk: `${PREFIX}${idHash(conversationId)}`, sk: SK }),
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
  conversationHash: idHash(record.id),
  phoneNumberId: message.phoneNumberId,
  contactHash: idHash(message.contactId),
  openedByHash: idHash(message.id),
  category: record.category,
  origin: record.origin,
  openedAt: record.openedAt,
  closesAt: record.expiresAt,
  day: record.unit.day,
  country: record.unit.country,
  pricingModel: record.unit.pricingModel,
  pricingType: record.unit.pricingType,
});
