import type { BillingUnit, ConversationRecord } from '#domain/delivery';
import type { TableKey } from '../table-schema';
import { declare } from './declaration';
import { idHash } from '#domain/id-hash';

/**
 * The audit record of one conversation, kept without TTL: the conversation item and the message
 * records expire, this stays, like the aggregate cells. So it holds the counting facts (when, which
 * number, category, origin, the billing cell) and the user's ids only hashed (idHash): the contact
 * and the message that opened it. `conversation.opened` is published from the message item's stream
 * image (conversation.events.ts), which expires with the retention, so nothing here needs them in clear.
 */
/** Where the conversation is billed: its aggregate cell, less the number and category the entry holds itself. */
type BillingCell = Pick<BillingUnit, 'day' | 'country' | 'pricingModel' | 'pricingType'>;

export type LedgerEntryItem = TableKey & {
  /** the key's id: Meta's conversation id, or ours (`conv.<sha256(wamid)>`, domain/delivery.ts ownConversationId) when Meta gave none */
  conversationId: string;
  phoneNumberId: string;
  /** idHash of the contact id */
  contactHash: string;
  /** idHash of the wamid whose delivery opened it */
  openedByHash: string;
  category: string;
  origin: string;
  openedAt: number;
  closesAt: number;
} & BillingCell;

export const ledgerEntryItem = declare({
  kind: 'ledger-entry',
  pk: { prefix: 'LEDGER#', of: (conversationId: string) => conversationId },
  sk: 'LEDGER',
  accessPatterns: [
    /**
     * Put in the transaction of the delivery that opened the conversation, only if there is none yet
     * or it names the same opener (openerCondition): the durable "already counted" of a conversation
     * by Meta's id, whatever became of the TTL'd conversation item
     */
    'open',
    /** Delete when Meta's conversation id replaces ours, in the same transaction */
    'correct',
    /** Delete when its opener withdraws it (the message failed, or it joins one counted elsewhere) */
    'withdraw',
  ],
});

export const toLedgerEntryItem = (
  message: { id: string; phoneNumberId: string; contactId: string },
  record: ConversationRecord,
): LedgerEntryItem => ({
  ...ledgerEntryItem.key(record.id),
  conversationId: record.id,
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

/**
 * One conversation is counted once: its entry is written only where none is, or by the message that
 * wrote it (a retry, a correction). `:openedBy` is the opener as toLedgerEntryItem writes it.
 */
export const openerCondition = ['attribute_not_exists(pk)', 'openedByHash = :openedBy'].join(' OR ');

/** openerCondition on an entry read (the in-memory fake's check): none there, or written by this opener. */
export const openerHolds = (entry: Record<string, unknown> | undefined, openedByHash: string): boolean =>
  entry === undefined || entry.openedByHash === openedByHash;
