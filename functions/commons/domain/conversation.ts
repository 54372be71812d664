import { CONVERSATION_SECONDS, ENTRY_POINT_SECONDS, WINDOW_SECONDS } from './platform';
import { isLive, type EpochSeconds } from './time';

/**
 * A conversation: the 24-hour billing session that starts when a business message is delivered
 * (72 hours from a free entry point). The rules of when one opens, which one a delivery joins and
 * when a new one may take the place of another live here, and nowhere else.
 * https://developers.facebook.com/docs/whatsapp/pricing/conversation-based-pricing
 */

/** A conversation as stored: the latest of its category for one contact. */
export interface ConversationState {
  id: string;
  /** the opening message of our own conversations (domain/delivery.ts ownConversationId) */
  openedBy?: string;
  category: string;
  origin: string;
  openedAt: EpochSeconds;
  expiresAt: EpochSeconds;
}

/** When a conversation opened at `openedAt` closes. */
export const conversationExpiry = (openedAt: EpochSeconds, fromEntryPoint = false): EpochSeconds =>
  openedAt + (fromEntryPoint ? ENTRY_POINT_SECONDS : CONVERSATION_SECONDS);

/** Open at `at`: opened at or before it, and not yet expired. */
export const isOpenAt = (conversation: ConversationState, at: EpochSeconds): boolean =>
  conversation.openedAt <= at && isLive(conversation.expiresAt, at);

/** The origin of a conversation opened from a free entry point (Meta's and ours). */
export const FREE_ENTRY_POINT = 'free_entry_point';

/**
 * The open conversation a delivery of `category` at `at` joins: every message joins an open free
 * entry point conversation (72 h, everything free: it never re-opens); otherwise a template joins one
 * of its own category and a service reply any open one. None: the delivery opens a conversation.
 */
export const joinedConversation = (
  category: string,
  conversations: readonly ConversationState[],
  at: EpochSeconds,
): ConversationState | undefined => {
  const open = conversations.filter((c) => isOpenAt(c, at)).sort((a, b) => a.openedAt - b.openedAt || cmp(a.id, b.id));
  const entryPoint = open.find((c) => c.origin === FREE_ENTRY_POINT);
  if (entryPoint) return entryPoint;
  return category === 'service' ? open[0] : open.find((c) => c.category === category);
};

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Our own rule where Meta says nothing: a business reply delivered within 24 hours of the user's
 * message from a click-to-WhatsApp ad or a call-to-action (its `referral`) opens a free entry point
 * conversation (72 h). https://developers.facebook.com/docs/whatsapp/pricing#free-entry-point-conversations
 */
export const opensEntryPoint = (referralAt: EpochSeconds | undefined, at: EpochSeconds): boolean =>
  referralAt !== undefined && referralAt <= at && at < referralAt + WINDOW_SECONDS;

export const opensConversation = (
  category: string,
  conversations: readonly ConversationState[],
  at: EpochSeconds,
): boolean => joinedConversation(category, conversations, at) === undefined;

/**
 * The slot rule: each (contact, category) holds one conversation item. A conversation may take the
 * slot when it is free, when the one there expired at or before ours opened, when it is ours
 * already, or when it is the one ours corrects. Never two open at once. The store's condition
 * expression states the same four clauses (store/items/conversation.ts).
 */
export const mayTakeSlot = (
  slot: { id: string; expiresAt: EpochSeconds } | undefined,
  candidate: { id: string; openedAt: EpochSeconds },
  replacesId?: string,
): boolean =>
  slot === undefined || slot.expiresAt <= candidate.openedAt || slot.id === candidate.id || slot.id === replacesId;

/**
 * Service messages and utility templates delivered inside the customer service window are free.
 * https://developers.facebook.com/docs/whatsapp/pricing#free-customer-service
 */
export const isFreeInsideWindow = (category: string, inWindow: boolean): boolean =>
  inWindow && (category === 'service' || category === 'utility');

/**
 * Deliveries are not processed in the order they happened: a conversation opened by a later
 * delivery (processed first) is superseded by ours when its opening delivery would have joined ours,
 * had ours been known: it opened after ours and before ours expired, and by the join rule. Its
 * opener then joins ours, so the count and the opening instant do not depend on the order.
 */
export const supersedes = (ours: ConversationState, other: ConversationState): boolean =>
  other.id !== ours.id &&
  ours.openedAt < other.openedAt &&
  other.openedAt < ours.expiresAt &&
  joinedConversation(other.category, [ours], other.openedAt)?.id === ours.id;
