import { toIso, type EpochSeconds } from '#domain/time';
import { domainEvent, type DomainEvent } from '#commons/events/catalogue';
import { contactOfId, splitContactKey } from '#commons/events/contact';
import { NO_EVENTS, type EventContext, type ItemEvents, type ItemOutcome } from '#commons/events/declaration';
import { eventIdOf } from '#commons/events/event-id';
import { num, type Item } from '#commons/events/item-change';
import { planWindowTimer, type WindowTimer, type WindowTimerChange } from '#commons/events/window-timer';
import { isWindowKey } from './window';

/**
 * Window item (`CONTACT#<number>#<contact>` / `WINDOW`: lastInboundAt, expiresAt, closedAt).
 * A newer lastInboundAt opens the window (when it was closed or expired at that moment) or extends
 * it; a closedAt at or after lastInboundAt (Meta's 131047) closes it. `window.closing` and
 * `window.closed` at expiry come from the contact's timer, which every move of the window replaces.
 * The item holds only the contact id, so the contact carries that one id.
 */

interface WindowFacts {
  phoneNumberId: string;
  contactId: string;
  lastInboundAt: EpochSeconds;
  expiresAt: EpochSeconds;
}

const base = (w: WindowFacts, occurredAt: EpochSeconds, recordedAt: EpochSeconds) => ({
  occurredAt: toIso(occurredAt),
  recordedAt: toIso(recordedAt),
  phoneNumberId: w.phoneNumberId,
  contact: contactOfId(w.contactId),
  lastInboundAt: toIso(w.lastInboundAt),
  expiresAt: toIso(w.expiresAt),
});

/** The timed window events, for the stream path (due at once) and the timer path alike. */
export const timedWindowEvent = (kind: 'closing' | 'closed', w: WindowFacts, now: EpochSeconds): DomainEvent =>
  kind === 'closing'
    ? domainEvent('window.closing', {
        eventId: eventIdOf('window.closing', w.phoneNumberId, w.contactId, w.expiresAt),
        ...base(w, now, now),
        secondsLeft: Math.max(0, w.expiresAt - now),
      })
    : domainEvent('window.closed', {
        eventId: eventIdOf('window.closed', w.phoneNumberId, w.contactId, w.expiresAt, 'expired'),
        ...base(w, w.expiresAt, now),
        reason: 'expired',
      });

/** A fired timer: its event, and for `closing` the move of the same timer to expiry. */
export const windowTimerOutcome = (
  timer: WindowTimer,
  context: EventContext,
): { events: DomainEvent[]; next?: WindowTimerChange } => {
  if (timer.fire === 'closed') return { events: [timedWindowEvent('closed', timer, context.now)] };
  const plan = planWindowTimer(timer, context.now, context.closingNoticeSeconds);
  return { events: plan.due.map((kind) => timedWindowEvent(kind, timer, context.now)), next: plan.next };
};

const closedAtOf = (item: Item | undefined): EpochSeconds | undefined => num(item, 'closedAt');

const openAt = (item: Item | undefined, at: EpochSeconds): boolean => {
  const last = num(item, 'lastInboundAt');
  const expires = num(item, 'expiresAt');
  if (last === undefined || expires === undefined || last > at || expires <= at) return false;
  const closed = closedAtOf(item);
  return !(closed !== undefined && closed >= last && closed <= at);
};

export const windowEvents: ItemEvents = {
  kind: 'window',
  recognises: isWindowKey,
  outcome(change, context): ItemOutcome {
    const contact = splitContactKey(change.pk, 'CONTACT#');
    const item = change.newImage;
    const lastInboundAt = num(item, 'lastInboundAt');
    const expiresAt = num(item, 'expiresAt');
    // A removal is TTL housekeeping: the window closed (and said so) long before.
    if (!contact || lastInboundAt === undefined || expiresAt === undefined) return NO_EVENTS;
    const w: WindowFacts = { phoneNumberId: contact.phoneNumberId, contactId: contact.id, lastInboundAt, expiresAt };
    const events: DomainEvent[] = [];
    let timer: WindowTimerChange | undefined;

    const previousLast = num(change.oldImage, 'lastInboundAt');
    if (previousLast === undefined || lastInboundAt > previousLast) {
      const previousExpiresAt = num(change.oldImage, 'expiresAt');
      if (openAt(change.oldImage, lastInboundAt) && previousExpiresAt !== undefined) {
        events.push(
          domainEvent('window.extended', {
            eventId: eventIdOf('window.extended', w.phoneNumberId, w.contactId, lastInboundAt),
            ...base(w, lastInboundAt, change.recordedAt),
            previousExpiresAt: toIso(previousExpiresAt),
          }),
        );
      } else {
        events.push(
          domainEvent('window.opened', {
            eventId: eventIdOf('window.opened', w.phoneNumberId, w.contactId, lastInboundAt),
            ...base(w, lastInboundAt, change.recordedAt),
          }),
        );
      }
      const plan = planWindowTimer(w, context.now, context.closingNoticeSeconds);
      events.push(...plan.due.map((kind) => timedWindowEvent(kind, w, context.now)));
      timer = plan.next;
    }

    const closedAt = closedAtOf(item);
    // Meta's 131047 closes a window that was open at that moment; a later one changes nothing.
    if (
      closedAt !== undefined &&
      closedAt !== closedAtOf(change.oldImage) &&
      openAt({ ...item, closedAt: undefined }, closedAt)
    ) {
      events.push(
        domainEvent('window.closed', {
          eventId: eventIdOf('window.closed', w.phoneNumberId, w.contactId, closedAt, 'outside-window-error'),
          ...base(w, closedAt, change.recordedAt),
          reason: 'outside-window-error',
        }),
      );
      timer = { action: 'cancel', phoneNumberId: w.phoneNumberId, contactId: w.contactId };
    }
    return { events, ...(timer ? { timer } : {}) };
  },
};
