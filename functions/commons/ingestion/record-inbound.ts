import type { EpochSeconds } from '#domain/time';
import type { ContactStore } from '#store/contact-store';
import type { MessageLedger } from '#store/message-ledger';
import type { InboundMessageEvent } from '#webhook/events';

/** The ids a `system` message says the user now has (changed number, changed business-scoped id). */
const changedIds = (message: InboundMessageEvent) => {
  const system = message.system;
  if (message.type !== 'system' || !system) return undefined;
  const waId = system.waId ?? system.newWaId;
  const userId = system.userId;
  if (!waId && !userId) return undefined;
  return { ...(waId ? { waId } : {}), ...(userId ? { userId } : {}) };
};

/**
 * An inbound user message: the window moves to its timestamp + 24 h (never backwards), then the
 * message is recorded once per id. In that order, so Meta's retry after a failure in between
 * completes the work, and a duplicate changes nothing.
 */
export const recordInbound = async (
  stores: { contacts: Pick<ContactStore, 'resolveContact' | 'linkIds' | 'extendWindow'>; messages: MessageLedger },
  message: InboundMessageEvent,
  retainUntil: EpochSeconds,
): Promise<'recorded' | 'duplicate'> => {
  const ids = {
    ...(message.user.waId ? { waId: message.user.waId } : {}),
    ...(message.user.userId ? { userId: message.user.userId } : {}),
  };
  const newIds = changedIds(message);
  if (!ids.waId && !ids.userId) {
    // A system message may name only the new ids; it then belongs to whoever holds them.
    if (!newIds) throw new Error('inbound message without any user id');
    Object.assign(ids, newIds);
  }
  const contact = await stores.contacts.resolveContact(message.origin.phoneNumberId, ids);
  if (newIds) await stores.contacts.linkIds(contact, newIds);
  await stores.contacts.extendWindow(contact, message.timestamp);
  return stores.messages.recordInbound(contact, message, retainUntil);
};
