/** Epoch seconds: Meta's webhook timestamps, DynamoDB TTL and every 24-hour rule use this unit. */
export type EpochSeconds = number;

/** Injected everywhere a rule needs "now", so boundaries can be tested at the second. */
export type Clock = () => EpochSeconds;

export const systemClock: Clock = () => Math.floor(Date.now() / 1000);

export const HOUR = 3600;
export const DAY = 24 * HOUR;

export const toIso = (at: EpochSeconds): string => new Date(at * 1000).toISOString();

/** The UTC day (`YYYY-MM-DD`) an instant falls on: the unit of aggregates, reports and rate card versions. */
export const utcDay = (at: EpochSeconds): string => toIso(at).slice(0, 10);

/** UTC days (`YYYY-MM-DD`) from `from` to `to` inclusive. */
export const daysBetween = (from: string, to: string): string[] => {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`) / 1000;
  for (let at = Date.parse(`${from}T00:00:00Z`) / 1000; at <= end; at += DAY) days.push(utcDay(at));
  return days;
};

/**
 * An item with an expiry is live only while now is strictly before it. DynamoDB's TTL deletion lags
 * (often by a day or more), so every read applies this instead of trusting the item's presence.
 */
export const isLive = (expiresAt: EpochSeconds | undefined, now: EpochSeconds): boolean =>
  expiresAt !== undefined && expiresAt > now;
