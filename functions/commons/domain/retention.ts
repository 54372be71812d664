import { retentionSeconds, STATUS_RETRY_HORIZON_DAYS, WEBHOOK_RETRY_DAYS } from './platform';
import { DAY, type EpochSeconds } from './time';

/**
 * How long what we keep about a user lives, from the configured message retention (never below the
 * floor of platform.ts, which outlives Meta's retry horizon).
 */

/** The instant before which a status is older than any message record it could fold into. */
export const retentionHorizon = (now: EpochSeconds, retentionDays: number): EpochSeconds =>
  now - retentionSeconds(retentionDays);

/**
 * A status is stale when its timestamp lies at or before the retention horizon: the message record it
 * would fold into (its dedupe record, written no earlier than the status and kept for the retention
 * from its last write) may be gone, so folding it could count a unit again. Meta retries a webhook
 * for at most WEBHOOK_RETRY_DAYS and the retention is at least a day longer, so only a replay of a
 * captured, validly signed status is ever stale: it is parked, never counted.
 */
export const isStaleStatus = (timestamp: EpochSeconds, now: EpochSeconds, retentionDays: number): boolean =>
  timestamp <= retentionHorizon(now, retentionDays);

/**
 * An alias (phone number ↔ business-scoped user id) lives as long as the longest retention that
 * refers to it: the message records naming the contact, kept for the message retention.
 */
export const aliasExpiry = (now: EpochSeconds, retentionDays: number): EpochSeconds =>
  now + retentionSeconds(retentionDays);

/**
 * An alias seen again is written again (its expiry moved) once a day at most, so an active user keeps
 * it without a write per message: true when it is missing its expiry or last set over a day ago.
 */
export const aliasNeedsRefresh = (
  expiresAt: EpochSeconds | undefined,
  now: EpochSeconds,
  retentionDays: number,
): boolean => expiresAt === undefined || expiresAt <= aliasExpiry(now, retentionDays) - DAY;

/** Meta stops retrying a webhook after this many seconds; a stale status is older than this. */
export const RETRY_HORIZON_SECONDS = WEBHOOK_RETRY_DAYS * DAY;

/**
 * A delivery's counted-units record (hashed wamid, which units it counted) lives Meta's status horizon
 * past the message record it was written with: a status that comes after the message record expired
 * (a user who reads a message late; Meta's late deliveries and retries) then finds what was counted
 * and counts nothing. Past this instant such a status counts as a message we never saw.
 */
export const countedUnitsExpiry = (messageRetainUntil: EpochSeconds): EpochSeconds =>
  messageRetainUntil + STATUS_RETRY_HORIZON_DAYS * DAY;
