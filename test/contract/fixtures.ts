import { conversationExpiry } from '#domain/conversation';
import { effectChanges, type ConversationRecord, type MessageEffects, ownConversationId } from '#domain/delivery';
import type { MessageState } from '#domain/message-state';
import { DAY, utcDay } from '#domain/time';
import type { ContactRef } from '#store/contact-store';
import type { CommitInput } from '#store/message-ledger';

/** A template message of `contact`, delivered at `at`. */
export const deliveredState = (contact: ContactRef, id: string, at: number): MessageState => ({
  id,
  phoneNumberId: contact.phoneNumberId,
  contactId: contact.contactId,
  user: contact.ids,
  source: 'api',
  kind: 'template',
  templateCategory: 'marketing',
  statusAt: { sent: at, delivered: at },
  errorCodes: [],
});

export const conversationRecord = (contact: ContactRef, id: string, openedAt: number): ConversationRecord => ({
  id,
  category: 'marketing',
  origin: 'business_initiated',
  openedAt,
  expiresAt: conversationExpiry(openedAt),
  unit: {
    day: utcDay(openedAt),
    phoneNumberId: contact.phoneNumberId,
    country: 'US',
    category: 'marketing',
    pricingModel: 'PMP',
    pricingType: 'regular',
  },
});

/** The first commit of a delivered template that opens conversation `conv.<id>` at `at`, and counts its units. */
export const conversationCommit = (
  contact: ContactRef,
  id: string,
  at: number,
  options: { conversationId?: string; writeConversationItem?: boolean; previousVersion?: number } = {},
): CommitInput => {
  const record = conversationRecord(contact, options.conversationId ?? ownConversationId(id), at);
  const target: MessageEffects = { messageUnit: record.unit, conversation: record };
  return {
    ...(options.previousVersion === undefined ? {} : { previousVersion: options.previousVersion }),
    message: {
      state: deliveredState(contact, id, at),
      decision: { inWindow: false, opensConversation: true },
      appliedEffects: target,
      version: (options.previousVersion ?? 0) + 1,
    },
    changes: effectChanges({}, target),
    writeConversationItem: options.writeConversationItem ?? true,
    retainUntil: at + 30 * DAY,
  };
};
