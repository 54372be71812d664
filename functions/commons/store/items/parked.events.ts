import { toIso } from '#domain/time';
import { domainEvent } from '#commons/events/catalogue';
import { eventsOfWrites, NO_EVENTS } from '#commons/events/declaration';
import { eventIdOf } from '#commons/events/event-id';
import { num, str } from '#commons/events/item-change';
import { isParkedWebhookKey } from './parked-webhook-item';

/**
 * Webhook content kept raw (`WEBHOOK#<day>` / `<kind>#<digest>`). Of these only account updates are
 * events (`account.updated`); unrecognised content and value errors stay for inspection. The
 * record keeps our receipt time, not Meta's, so that is `occurredAt`; Meta names no phone_number_id.
 */
export const parkedEvents = eventsOfWrites('parked', isParkedWebhookKey, (item, change) => {
  if (change.oldImage || item.kind !== 'account-update') return NO_EVENTS;
  let update: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(String(item.raw));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      update = parsed as Record<string, unknown>;
    }
  } catch {
    // a cut raw copy is not JSON any more; the event still says that the account changed
  }
  const at = num(item, 'receivedAt') ?? change.recordedAt;
  const wabaId = str(item, 'wabaId');
  const event = typeof update.event === 'string' ? update.event : undefined;
  return {
    events: [
      domainEvent('account.updated', {
        eventId: eventIdOf('account.updated', change.pk, change.sk),
        occurredAt: toIso(at),
        recordedAt: toIso(change.recordedAt),
        ...(wabaId ? { wabaId } : {}),
        ...(event ? { event } : {}),
        update,
      }),
    ],
  };
});
