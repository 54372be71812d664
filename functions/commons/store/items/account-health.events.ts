import { restrictionsInForce, type HealthState } from '#domain/account-health';
import { toIso } from '#domain/time';
import { domainEvent } from '#commons/events/catalogue';
import { eventsOfWrites, NO_EVENTS } from '#commons/events/declaration';
import { eventIdOf } from '#commons/events/event-id';
import { str } from '#commons/events/item-change';
import { isAccountHealthKey, toHealthState } from './account-health';

/**
 * Account-health item (`HEALTH` / `NUMBER#<display number>` or `WABA#<id>`), written from Meta's
 * phone_number_quality_update and account_update webhooks. A number's write that changes its quality
 * rating or messaging limit is `number.health`; an account's that changes its restrictions or
 * violation is `account.restrictions`. Both carry Meta's time of the change and the values before.
 */
const fact = (state: HealthState, name: keyof HealthState) => JSON.stringify(state[name] ?? null);

export const accountHealthEvents = eventsOfWrites('account-health', isAccountHealthKey, (item, change) => {
  const next = toHealthState(item);
  const before = toHealthState(change.oldImage);
  const wabaId = str(item, 'wabaId');
  const watched =
    item.scope === 'number' ? (['quality', 'messagingLimit'] as const) : (['restrictions', 'violation'] as const);
  const changed = watched.filter((name) => fact(next, name) !== fact(before, name));
  if (changed.length === 0) return NO_EVENTS;
  const at = Math.max(...changed.map((name) => next[name]?.at ?? change.recordedAt));
  const common = {
    occurredAt: toIso(at),
    recordedAt: toIso(change.recordedAt),
    ...(wabaId ? { wabaId } : {}),
  };
  if (item.scope === 'number') {
    const displayNumber = str(item, 'displayNumber') ?? change.sk.slice('NUMBER#'.length);
    return {
      events: [
        domainEvent('number.health', {
          eventId: eventIdOf('number.health', change.sk, next.quality?.value, next.messagingLimit?.value, at),
          ...common,
          displayNumber,
          ...(next.quality ? { quality: next.quality.value } : {}),
          ...(before.quality && before.quality.value !== next.quality?.value
            ? { previousQuality: before.quality.value }
            : {}),
          ...(next.messagingLimit ? { messagingLimit: next.messagingLimit.value } : {}),
          ...(before.messagingLimit && before.messagingLimit.value !== next.messagingLimit?.value
            ? { previousMessagingLimit: before.messagingLimit.value }
            : {}),
        }),
      ],
    };
  }
  const restrictions = restrictionsInForce(next, change.recordedAt).map((restriction) => ({
    type: restriction.type,
    ...(restriction.expiresAt === undefined ? {} : { expiresAt: toIso(restriction.expiresAt) }),
    ...(restriction.date === undefined ? {} : { date: restriction.date }),
  }));
  return {
    events: [
      domainEvent('account.restrictions', {
        eventId: eventIdOf('account.restrictions', change.sk, JSON.stringify(restrictions), next.violation?.value, at),
        ...common,
        restricted: restrictions.length > 0,
        restrictions,
        ...(next.violation ? { violation: next.violation.value } : {}),
      }),
    ],
  };
});
