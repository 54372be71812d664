import type { ConversationRecord } from '#domain/delivery';
import type { ConversationState } from '#domain/conversation';
import type { TableKey } from '../table-schema';
import { contactPartition } from './contact-partition';
import { declare, present } from './declaration';

/** The latest conversation of one category of a contact; a new one replaces it once it has expired. */
export type ConversationItem = TableKey & Omit<ConversationState, 'id'> & { conversationId: string };

const SK_PREFIX = 'CONV#';

export const conversationItem = declare({
  kind: 'conversation',
  pk: contactPartition,
  sk: { prefix: SK_PREFIX, of: (_phoneNumberId: string, _contactId: string, category: string) => category },
  ttl: 'expiresAt',
  accessPatterns: [
    /** Put in the delivery's transaction, under the slot rule (domain/conversation.ts mayTakeSlot) */
    'open',
    /** Delete of the old category's slot when Meta's category corrects ours, if it still holds ours */
    'move',
    /** Query of the contact's partition, with its window */
    'readContact',
  ],
});

export const CONVERSATION_SK_PREFIX = SK_PREFIX;

export const isConversationKey = conversationItem.is;

export const toConversationItem = (
  contact: { phoneNumberId: string; contactId: string },
  record: ConversationRecord,
): ConversationItem => ({
  ...conversationItem.key(contact.phoneNumberId, contact.contactId, record.category),
  conversationId: record.id,
  ...present(record, 'string', 'openedBy'),
  category: record.category,
  origin: record.origin,
  openedAt: record.openedAt,
  expiresAt: record.expiresAt,
});

export const toConversationState = (item: Record<string, unknown>): ConversationState => ({
  id: String(item.conversationId),
  ...present(item, 'string', 'openedBy'),
  category: String(item.category),
  origin: String(item.origin),
  openedAt: Number(item.openedAt),
  expiresAt: Number(item.expiresAt),
});

/**
 * The slot rule (domain/conversation.ts mayTakeSlot) as a condition, clause for clause:
 *
 *   ──── slot's conversation ────── expiresAt ──── :openedAt (ours) ────▶  time
 *        taken while it is live ──┘            └── free from its expiry on
 *
 * With `:id` our conversation and `:old` the one ours corrects (our own id when none).
 */
export const slotCondition = [
  'attribute_not_exists(pk)', // the slot is free
  'expiresAt <= :openedAt', // the one there expired at or before ours opened
  'conversationId = :id', // it is ours already (a retry)
  'conversationId = :old', // it is the one ours corrects
].join(' OR ');

/** Moving a corrected conversation out of its old category's slot, only if the slot still holds it. */
export const moveCondition = ['attribute_not_exists(pk)', 'conversationId = :old'].join(' OR ');

/** moveCondition on a slot read (the in-memory fake's check): free, or still holding `old`. */
export const moveHolds = (slot: Record<string, unknown> | undefined, old: string): boolean =>
  slot === undefined || slot.conversationId === old;

/** What the slot rule (domain/conversation.ts mayTakeSlot) needs of the slot read. */
export const heldSlotOf = (slot: Record<string, unknown> | undefined) =>
  slot ? { id: String(slot.conversationId), expiresAt: Number(slot.expiresAt) } : undefined;
