import { CONVERSATION_SECONDS, ENTRY_POINT_SECONDS } from './platform';
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

/**
 * The open conversation a delivery of `category` at `at` joins: a template joins one of its own
 * category; a service reply joins any open one. None: the delivery opens a conversation.
 */
export const joinedConversation = (
  category: string,
  conversations: readonly ConversationState[],
  at: EpochSeconds,
): ConversationState | undefined => {
  const open = conversations.filter((c) => isOpenAt(c, at));
  return category === 'service' ? open[0] : open.find((c) => c.category === category);
};

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
