import { aliasEvents } from '#store/items/alias.events';
import { conversationEvents } from '#store/items/conversation.events';
import { messageEvents } from '#store/items/message.events';
import { parkedEvents } from '#store/items/parked.events';
import { templateEvents } from '#store/items/template.events';
import { windowEvents } from '#store/items/window.events';
import { NO_EVENTS, type EventContext, type ItemEvents, type ItemOutcome } from './declaration';
import type { ItemChange } from './item-change';

/** Every item kind that yields events; kinds not listed (aggregates, pacing, conversation slots) yield none. */
export const itemEvents: readonly ItemEvents[] = [
  messageEvents,
  windowEvents,
  conversationEvents,
  templateEvents,
  aliasEvents,
  parkedEvents,
];

export const outcomeOf = (change: ItemChange, context: EventContext): ItemOutcome =>
  itemEvents.find((declaration) => declaration.recognises(change.pk, change.sk))?.outcome(change, context) ?? NO_EVENTS;
