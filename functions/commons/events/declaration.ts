import type { EpochSeconds } from '#domain/time';
import type { DomainEvent } from './catalogue';
import type { Item, ItemChange } from './item-change';
import type { WindowTimerChange } from './window-timer';

/** What the publisher knows besides the images: only the clock and its own settings, never the table. */
export interface EventContext {
  now: EpochSeconds;
  /** WINDOW_CLOSING_NOTICE_MINUTES in seconds */
  closingNoticeSeconds: number;
}

export interface ItemOutcome {
  events: DomainEvent[];
  /** the window's timers to set or cancel once the events are out */
  timer?: WindowTimerChange;
}

/**
 * Which change of one item kind yields which events. Declared next to the item kind
 * (functions/commons/store/items/<kind>.events.ts); the registry lists them; the publisher only
 * routes changes to them.
 */
export interface ItemEvents {
  kind: string;
  /** whether this declaration owns the item with these keys */
  recognises(pk: string, sk: string): boolean;
  outcome(change: ItemChange, context: EventContext): ItemOutcome;
}

export const NO_EVENTS: ItemOutcome = { events: [] };

/**
 * The declaration of a kind whose events all come from the item as written: a removal (TTL expiry
 * or delete: no new image) yields none, so `outcome` is given the new image.
 */
export const eventsOfWrites = (
  kind: string,
  recognises: ItemEvents['recognises'],
  outcome: (item: Item, change: ItemChange) => ItemOutcome,
): ItemEvents => ({
  kind,
  recognises,
  outcome: (change) => (change.newImage ? outcome(change.newImage, change) : NO_EVENTS),
});
