import type { EpochSeconds } from '#domain/time';
import { mayOpenPastDeliveries, windowExpiry } from '#domain/window';
import { refOf, type ContactRef, type ContactStore } from '#store/contact-store';
import type { MessageLedger } from '#store/message-ledger';
import type { InboundMessageEvent } from '#webhook/events';
import { refold } from './update-message';

/** The ids a `system` message says the user now has (changed number, changed business-scoped id). */
const changedIds = (message: InboundMessageEvent) => {
  const system = message.system;
  if (message.type !== 'system' || !system) return undefined;
  const waId = system.waId ?? system.newWaId;
  const userId = system.userId;
  if (!waId && !userId) return undefined;
  return { ...(waId ? { waId } : {}), ...(userId ? { userId } : {}) };
};

export interface InboundStores {
  contacts: Pick<ContactStore, 'resolveContact' | 'linkIds' | 'recordInboundAt' | 'readContactState' | 'closeWindow'>;
  messages: MessageLedger;
}

/**
 * Deliveries already judged outside the window that this user message may put inside it (it arrived
 * after them): each is folded again, so its classification and units follow the facts, not the order.
 */
const judgeAgain = async (
  stores: InboundStores,
  contact: ContactRef,
  at: EpochSeconds,
  retainUntil: EpochSeconds,
): Promise<void> => {
  const { deliveries } = await stores.messages.readHistory(contact, { deliveries: { from: at, to: windowExpiry(at) } });
  const outside = deliveries.filter((d) => d.decision?.inWindow === false).map((d) => d.wamid);
  await refold(stores, outside, retainUntil, { rejudge: true });
};

/**
 * An inbound user message: the window moves to its timestamp + 24 h (never backwards; a late older
 * one joins the window's recent instants), then deliveries it puts inside the window are judged
 * again while the message is recorded once per id. The window first, so Meta's retry after a failure
 * completes the work, and a duplicate changes nothing.
 */
export const recordInbound = async (
  stores: InboundStores,
  message: InboundMessageEvent,
  retainUntil: EpochSeconds,
  now: EpochSeconds,
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
  const resolved = await stores.contacts.resolveContact(message.origin.phoneNumberId, ids);
  const { windowRead } = resolved;
  const asResolved = refOf(resolved);
  if (newIds) await stores.contacts.linkIds(asResolved, newIds);
  const recorded = await stores.contacts.recordInboundAt(asResolved, message.timestamp, {
    referral: message.referral !== undefined,
    ...(windowRead ? { read: windowRead } : {}),
  });
  // A merge that ran since the resolve moved the contact: the message goes where its window went.
  const contact = recorded.into ?? asResolved;
  // A redelivery may follow a failure before the judging: judge again then too. The message is
  // written beside the judging, not after it: a failure of either answers 5xx, and the redelivery
  // finds the window's instant known and judges again (the message's write is once per id).
  const judged =
    recorded.known || mayOpenPastDeliveries(recorded.before, message.timestamp, now)
      ? judgeAgain(stores, contact, message.timestamp, retainUntil)
      : Promise.resolve();
  const [, written] = await Promise.all([judged, stores.messages.recordInbound(contact, message, retainUntil)]);
  return written;
};
