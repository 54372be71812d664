import { currentStatus, type MessageState } from '#domain/message-state';
import { mediaPath } from '#domain/media';
import { toIso } from '#domain/time';
import { domainEvent, type EventDetail } from '#commons/events/catalogue';
import { contactOf } from '#commons/events/contact';
import { eventsOfWrites, NO_EVENTS } from '#commons/events/declaration';
import { eventIdOf } from '#commons/events/event-id';
import { num, str, type Item } from '#commons/events/item-change';
import { isMessageKey } from './message';

/**
 * Message item (`MSG#<wamid>` / `MSG`). An inbound one is written once (its insert is
 * `message.received`, content parsed from the raw copy kept beside it); an outbound one holds the
 * folded `state`, and each write that moves its current status forward is `message.status`, the
 * previous status read from the old image. The item keeps Meta's error codes only, so errors carry
 * their code (title and details are not stored).
 */

type Content = EventDetail<'message.received'>['content'];
type Json = Record<string, unknown>;

const obj = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
/** Keeps only the keys whose value is defined, so strict schemas see no `undefined`. */
const defined = <T extends Json>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);

const parseRaw = (raw: unknown): Json => {
  if (typeof raw !== 'string') return obj(raw) ?? {};
  try {
    return obj(JSON.parse(raw)) ?? {};
  } catch {
    return {};
  }
};

/** The content as Meta sent it, in the catalogue's names; types we do not model carry only `type`. */
export const contentOf = (item: Item): Content => {
  const raw = parseRaw(item.raw);
  const type = String(item.type ?? raw.type ?? 'unknown');
  const content: Content = {};
  const body = text(obj(raw.text)?.body);
  if (body !== undefined) content.text = { body };
  const media = obj(raw[type]);
  if (MEDIA_TYPES.has(type) && typeof media?.id === 'string') {
    content.media = defined({
      id: media.id,
      mimeType: text(media.mime_type),
      sha256: text(media.sha256),
      caption: text(media.caption),
      filename: text(media.filename),
      url: mediaPath(String(item.pk).slice('MSG#'.length), media.id),
    });
  }
  const location = obj(raw.location);
  if (typeof location?.latitude === 'number' && typeof location.longitude === 'number') {
    content.location = defined({
      latitude: location.latitude,
      longitude: location.longitude,
      name: text(location.name),
      address: text(location.address),
    });
  }
  const interactive = obj(raw.interactive);
  if (interactive && typeof interactive.type === 'string') {
    const reply = obj(interactive[interactive.type]) ?? {};
    content.interactive = defined({
      type: interactive.type,
      id: text(reply.id),
      title: text(reply.title),
      description: text(reply.description),
      responseJson: text(reply.response_json),
    });
  }
  const button = obj(raw.button);
  if (button) content.button = defined({ payload: text(button.payload), text: text(button.text) });
  const reaction = obj(raw.reaction);
  if (typeof reaction?.message_id === 'string') {
    content.reaction = defined({ messageId: reaction.message_id, emoji: text(reaction.emoji) });
  }
  const context = obj(raw.context);
  const replyTo = str(item, 'replyTo') ?? text(context?.id);
  if (context || replyTo) {
    content.context = defined({
      messageId: replyTo,
      from: text(context?.from),
      forwarded: typeof context?.forwarded === 'boolean' ? context.forwarded : undefined,
    });
  }
  const referral = obj(item.referral);
  if (referral) {
    content.referral = defined({
      sourceId: text(referral.sourceId),
      sourceType: text(referral.sourceType),
      sourceUrl: text(referral.sourceUrl),
      ctwaClid: text(referral.ctwaClid),
    });
  }
  return content;
};

const received = (item: Item, recordedAt: number) => {
  const raw = parseRaw(item.raw);
  const wamid = String(item.pk).slice('MSG#'.length);
  const timestamp = num(item, 'timestamp') ?? recordedAt;
  return domainEvent('message.received', {
    eventId: eventIdOf('message.received', wamid),
    occurredAt: toIso(timestamp),
    recordedAt: toIso(recordedAt),
    phoneNumberId: String(item.phoneNumberId),
    contact: contactOf({ waId: raw.from, userId: raw.from_user_id }, str(item, 'contactId')),
    wamid,
    type: String(item.type ?? 'unknown'),
    timestamp: toIso(timestamp),
    content: contentOf(item),
  });
};

const stateOf = (item: Item | undefined): MessageState | undefined => obj(item?.state) as MessageState | undefined;

export const messageEvents = eventsOfWrites('message', isMessageKey, (item, change) => {
  if (item.direction === 'inbound') {
    // Recorded once per wamid (a conditional put); any later write is not a new message.
    return change.oldImage ? NO_EVENTS : { events: [received(item, change.recordedAt)] };
  }
  const state = stateOf(item);
  if (!state) return NO_EVENTS;
  const status = currentStatus(state);
  const previous = stateOf(change.oldImage);
  const previousStatus = previous ? currentStatus(previous) : undefined;
  // The store folds statuses forward only, so a change of the current status is progress.
  if (status === undefined || status === previousStatus) return NO_EVENTS;
  const timestamp = state.statusAt[status] ?? change.recordedAt;
  const pricing = state.metaPricing
    ? defined({
        model: state.metaPricing.model,
        type: state.metaPricing.type,
        category: state.metaPricing.category,
        billable: state.metaPricing.billable,
      })
    : undefined;
  return {
    events: [
      domainEvent('message.status', {
        eventId: eventIdOf('message.status', state.id, status),
        occurredAt: toIso(timestamp),
        recordedAt: toIso(change.recordedAt),
        phoneNumberId: state.phoneNumberId,
        contact: contactOf(state.user, state.contactId),
        wamid: state.id,
        status,
        previousStatus: previousStatus ?? null,
        timestamp: toIso(timestamp),
        source: state.source,
        errors: status === 'failed' ? state.errorCodes.map((code) => ({ code })) : [],
        ...(pricing ? { pricing } : {}),
      }),
    ],
  };
});
