import type { EpochSeconds } from './time';

/**
 * Meta's pair rate limit (131056), enforced before Meta does so callers get a clear 429. Stated as
 * a generic cell rate algorithm (GCRA): one stored instant per (number, user), the "theoretical
 * arrival time", cheap to keep in one DynamoDB item and exact under concurrency with a conditional
 * write. (The per-number limit is a plain per-second counter: one hot item takes atomic ADDs
 * better than optimistic retries.)
 */
export interface RateLimit {
  /** seconds between sends at the sustained rate */
  interval: number;
  /** how many sends may go at once before the sustained rate applies */
  burst: number;
}

/** Per (number, user): about one message every 6 seconds, bursts allowed that are paid back later. */
export const pairRateLimit = (intervalSeconds = 6, burst = 45): RateLimit => ({ interval: intervalSeconds, burst });

export type PacingDecision = { allowed: true; next: number } | { allowed: false; retryAfter: number };

/**
 * Whether one more send fits at `now`, given the stored theoretical arrival time (undefined for a
 * key never used). Times are in seconds and may be fractional; retryAfter is whole seconds, at least 1.
 */
export const gcra = (limit: RateLimit, storedTat: number | undefined, now: EpochSeconds): PacingDecision => {
  const tat = Math.max(storedTat ?? now, now);
  const allowedAt = tat - limit.interval * (limit.burst - 1);
  if (now < allowedAt - 1e-9) return { allowed: false, retryAfter: Math.max(1, Math.ceil(allowedAt - now)) };
  return { allowed: true, next: tat + limit.interval };
};

/**
 * Two contacts found to be one user (a merge): the user is paced as one, so the sends already made
 * to either id both count. Each stored arrival time is a backlog of sends ahead of `now`; the merged
 * one carries both backlogs (undefined when neither holds any).
 */
export const mergedArrival = (
  ours: number | undefined,
  theirs: number | undefined,
  now: EpochSeconds,
): number | undefined => {
  const backlog = (tat: number | undefined) => Math.max(0, (tat ?? now) - now);
  const total = backlog(ours) + backlog(theirs);
  return total > 0 ? now + total : undefined;
};
