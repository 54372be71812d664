import type { ConversationRecord } from '#domain/delivery';
import type { MessageState } from '#domain/message-state';
import { toIso } from '#domain/time';
import { domainEvent } from '#commons/events/catalogue';
import { contactOf } from '#commons/events/contact';
import { eventsOfWrites, NO_EVENTS } from '#commons/events/declaration';
import { eventIdOf } from '#commons/events/event-id';
import type { Item } from '#commons/events/item-change';
import { isMessageKey } from './message';

/**
 * `conversation.opened`, from the business message's item (`MSG#<wamid>` / `MSG`): its `held`
 * effects name the conversation its delivery opened, written in the same transaction as the
 * conversation item, the ledger entry and the units. A write whose `held.conversation` has an id the
 * old image had not is an opening; when Meta's conversation id replaces ours, that is a new id, so
 * the correction is a new `conversation.opened`, as a new ledger entry was before.
 *
 * Why the message item and not the ledger entry: the ledger entry outlives the message retention and
 * so keeps the user's ids hashed only, while the event names them in clear; the message item expires
 * with the retention and holds them (state.user, state.id). Why not the conversation item: a delivery
 * whose slot holds a newer conversation writes none (ours is history), yet it opened one. The message
 * is written in every opening transaction, so this costs no write and no attribute more.
 */

const obj = (value: unknown): Item | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Item) : undefined;

const openedIn = (item: Item | undefined): ConversationRecord | undefined => {
  const conversation = obj(obj(item?.held)?.conversation);
  return typeof conversation?.id === 'string' ? (conversation as unknown as ConversationRecord) : undefined;
};

export const conversationEvents = eventsOfWrites('conversation', isMessageKey, (item, change) => {
  if (item.direction !== 'outbound') return NO_EVENTS;
  const opened = openedIn(item);
  const state = obj(item.state) as MessageState | undefined;
  if (!opened || !state || opened.id === openedIn(change.oldImage)?.id) return NO_EVENTS;
  const unit = obj(opened.unit) ?? {};
  return {
    events: [
      domainEvent('conversation.opened', {
        eventId: eventIdOf('conversation.opened', opened.id),
        occurredAt: toIso(opened.openedAt),
        recordedAt: toIso(change.recordedAt),
        phoneNumberId: String(item.phoneNumberId ?? state.phoneNumberId),
        contact: contactOf(state.user, state.contactId),
        conversationId: opened.id,
        category: String(opened.category),
        origin: String(opened.origin),
        openedAt: toIso(opened.openedAt),
        expiresAt: toIso(opened.expiresAt),
        openedBy: state.id,
        billing: {
          day: String(unit.day),
          country: String(unit.country),
          pricingModel: String(unit.pricingModel),
          pricingType: String(unit.pricingType),
        },
      }),
    ],
  };
});
