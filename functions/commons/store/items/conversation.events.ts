import { toIso } from '#domain/time';
import { domainEvent } from '#commons/events/catalogue';
import { contactOfId } from '#commons/events/contact';
import { NO_EVENTS, type ItemEvents } from '#commons/events/declaration';
import { eventIdOf } from '#commons/events/event-id';
import { num, str } from '#commons/events/item-change';
import { isLedgerEntryKey } from './ledger-entry';

/**
 * A conversation's ledger record (`LEDGER#<conversationId>` / `LEDGER`), written in the same
 * transaction that opens the conversation and, unlike the contact's `CONV#<category>` item, carrying
 * the billing cell: its insert is `conversation.opened`. When Meta's category moves a conversation
 * we opened, the ledger gets the new id, so the move is a new `conversation.opened`.
 */
export const conversationEvents: ItemEvents = {
  kind: 'conversation',
  recognises: isLedgerEntryKey,
  outcome(change) {
    const item = change.newImage;
    if (!item || change.oldImage) return NO_EVENTS;
    const conversationId = str(item, 'conversationId') ?? change.pk.slice('LEDGER#'.length);
    const openedAt = num(item, 'openedAt') ?? change.recordedAt;
    const expiresAt = num(item, 'closesAt') ?? openedAt;
    return {
      events: [
        domainEvent('conversation.opened', {
          eventId: eventIdOf('conversation.opened', conversationId),
          occurredAt: toIso(openedAt),
          recordedAt: toIso(change.recordedAt),
          phoneNumberId: String(item.phoneNumberId),
          contact: contactOfId(String(item.contactId)),
          conversationId,
          category: String(item.category),
          origin: String(item.origin),
          openedAt: toIso(openedAt),
          expiresAt: toIso(expiresAt),
          openedBy: String(item.openedBy ?? ''),
          billing: {
            day: String(item.day),
            country: String(item.country),
            pricingModel: String(item.pricingModel),
            pricingType: String(item.pricingType),
          },
        }),
      ],
    };
  },
};
