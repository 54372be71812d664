import { logger } from '#commons/logger';
import { reportHealth } from '#commons/health-metrics';
import type { HealthSignal } from '#domain/account-health';
import type { EpochSeconds } from '#domain/time';
import type { HealthStore, HealthSubject } from '#store/health-store';
import type { AccountUpdateEvent, NumberQualityEvent } from '#webhook/events';

/**
 * Meta's health webhooks onto the number's or the account's health item. The webhook's own time
 * orders them (an older one never overwrites a newer); without one, our receipt time stands in.
 */
const applied = async (
  stores: { health: HealthStore },
  subject: HealthSubject,
  signal: HealthSignal,
  now: EpochSeconds,
): Promise<void> => {
  const state = await stores.health.applyHealth(subject, signal);
  reportHealth(subject.scope, state, now);
  if (state.quality?.value === 'RED' && subject.scope === 'number') {
    logger.warn('a business number is RED', { event: signal.event, wabaId: subject.wabaId });
  }
};

export const recordNumberQuality = (stores: { health: HealthStore }, event: NumberQualityEvent, now: EpochSeconds) =>
  applied(
    stores,
    { scope: 'number', displayNumber: event.displayNumber, wabaId: event.wabaId },
    {
      kind: 'number-quality',
      event: event.event,
      ...(event.limit === undefined ? {} : { limit: event.limit }),
      at: event.timestamp ?? now,
    },
    now,
  );

/** Only the account updates that speak of restrictions or violations change the health. */
export const recordAccountHealth = async (
  stores: { health: HealthStore },
  event: AccountUpdateEvent,
  now: EpochSeconds,
): Promise<void> => {
  if (!event.event || !['DISABLED_UPDATE', 'ACCOUNT_RESTRICTION', 'ACCOUNT_VIOLATION'].includes(event.event)) return;
  await applied(
    stores,
    { scope: 'account', wabaId: event.wabaId },
    {
      kind: 'account',
      event: event.event,
      ...(event.banState === undefined ? {} : { banState: event.banState }),
      ...(event.banDate === undefined ? {} : { banDate: event.banDate }),
      ...(event.restrictions === undefined ? {} : { restrictions: event.restrictions }),
      ...(event.violationType === undefined ? {} : { violationType: event.violationType }),
      at: event.timestamp ?? now,
    },
    now,
  );
};
