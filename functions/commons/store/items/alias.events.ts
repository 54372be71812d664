import { toIso } from '#domain/time';
import { domainEvent } from '#commons/events/catalogue';
import { splitContactKey } from '#commons/events/contact';
import { NO_EVENTS, type ItemEvents } from '#commons/events/declaration';
import { eventIdOf } from '#commons/events/event-id';
import { str } from '#commons/events/item-change';
import { aliasItem } from './alias';

/**
 * User alias item (`USER#<number>#<id>` / `ALIAS`: contactId, waId, userId). A link writes one alias
 * per id; each whose write joins a wa_id and a user id it did not join before is `contact.linked`,
 * with the same event id for both, so consumers see one link. The alias keeps no time of its own,
 * so `occurredAt` is when DynamoDB recorded it.
 */
export const aliasEvents: ItemEvents = {
  kind: 'alias',
  recognises: aliasItem.is,
  outcome(change) {
    const key = splitContactKey(change.pk, 'USER#');
    const waId = str(change.newImage, 'waId');
    const userId = str(change.newImage, 'userId');
    if (!key || !waId || !userId) return NO_EVENTS;
    if (str(change.oldImage, 'waId') === waId && str(change.oldImage, 'userId') === userId) return NO_EVENTS;
    return {
      events: [
        domainEvent('contact.linked', {
          eventId: eventIdOf('contact.linked', key.phoneNumberId, waId, userId),
          occurredAt: toIso(change.recordedAt),
          recordedAt: toIso(change.recordedAt),
          phoneNumberId: key.phoneNumberId,
          contact: { waId, userId },
        }),
      ],
    };
  },
};
