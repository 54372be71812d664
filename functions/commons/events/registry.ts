import { accountHealthEvents } from '#store/items/account-health.events';
import { aliasEvents } from '#store/items/alias.events';
import { conversationEvents } from '#store/items/conversation.events';
import { mediaEvents } from '#store/items/media.events';
import { messageEvents } from '#store/items/message.events';
import { parkedEvents } from '#store/items/parked.events';
import { templateEvents } from '#store/items/template.events';
import { windowEvents } from '#store/items/window.events';
import { NO_EVENTS, type EventContext, type ItemEvents, type ItemOutcome } from './declaration';
import type { ItemChange } from './item-change';

/** Every item kind that yields events; kinds not listed (aggregates, pacing, conversation slots, ledger) yield none. */
export const itemEvents: readonly ItemEvents[] = [
  messageEvents,
  conversationEvents,
  mediaEvents,
  windowEvents,
  templateEvents,
  aliasEvents,
  parkedEvents,
  accountHealthEvents,
];

/**
 * Every declaration that recognises the item has its say, in the order listed: a message item yields
 * its own events (message.events.ts), the conversation its delivery opened (conversation.events.ts)
 * and its media's outcome (media.events.ts).
 */
export const outcomeOf = (change: ItemChange, context: EventContext): ItemOutcome => {
  const outcomes = itemEvents
    .filter((declaration) => declaration.recognises(change.pk, change.sk))
    .map((declaration) => declaration.outcome(change, context));
  if (outcomes.length === 0) return NO_EVENTS;
  const timer = outcomes.find((outcome) => outcome.timer)?.timer;
  return { events: outcomes.flatMap((outcome) => outcome.events), ...(timer ? { timer } : {}) };
};
