import { mediaPath, type MediaRecord } from '#domain/media';
import { toIso } from '#domain/time';
import { domainEvent } from '#commons/events/catalogue';
import { contactOf } from '#commons/events/contact';
import { eventsOfWrites, NO_EVENTS } from '#commons/events/declaration';
import { eventIdOf } from '#commons/events/event-id';
import { str, type Item } from '#commons/events/item-change';
import { isMessageKey } from './message';

/**
 * The media of an inbound message item (`MSG#<wamid>` / `MSG`): the webhook inserts it `pending`
 * (`message.received` then names Meta's media id and the engine's URL for it), and the media worker
 * updates it once: `stored` with the object's bucket and key (`media.stored`), or `failed` with the
 * reason (`media.failed`). The old image's state tells the outcome's write from any other; a
 * redelivered worker record writes nothing (its conditions), so each outcome is published once.
 */

const obj = (value: unknown): Item | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Item) : undefined;

const mediaOf = (item: Item | undefined): MediaRecord | undefined => {
  const media = obj(item?.media);
  return typeof media?.id === 'string' && typeof media.state === 'string'
    ? (media as unknown as MediaRecord)
    : undefined;
};

const parsed = (raw: unknown): unknown => {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
};

/** Keeps only the keys whose value is defined, so strict schemas see no `undefined`. */
const defined = <T extends Item>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export const mediaEvents = eventsOfWrites('media', isMessageKey, (item, change) => {
  const media = mediaOf(item);
  if (item.direction !== 'inbound' || !media) return NO_EVENTS;
  const before = mediaOf(change.oldImage)?.state;
  if (media.state === before || media.state === 'pending') return NO_EVENTS;
  const raw = obj(parsed(item.raw)) ?? {};
  const wamid = String(item.pk).slice('MSG#'.length);
  const common = {
    occurredAt: toIso(change.recordedAt),
    recordedAt: toIso(change.recordedAt),
    phoneNumberId: String(item.phoneNumberId),
    contact: contactOf({ waId: raw.from, userId: raw.from_user_id }, str(item, 'contactId')),
    wamid,
    type: String(item.type ?? 'unknown'),
  };
  const shown = defined({
    id: media.id,
    mimeType: media.mimeType,
    sha256: media.sha256,
    filename: media.filename,
    url: mediaPath(wamid, media.id),
  });
  if (media.state === 'stored' && media.key && media.bucket && typeof media.size === 'number') {
    return {
      events: [
        domainEvent('media.stored', {
          eventId: eventIdOf('media.stored', wamid, media.id),
          ...common,
          media: { ...shown, size: media.size },
          location: { bucket: media.bucket, key: media.key },
        }),
      ],
    };
  }
  if (media.state === 'failed') {
    return {
      events: [
        domainEvent('media.failed', {
          eventId: eventIdOf('media.failed', wamid, media.id),
          ...common,
          media: shown,
          reason: media.reason ?? 'unknown',
        }),
      ],
    };
  }
  return NO_EVENTS;
});
