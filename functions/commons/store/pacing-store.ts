import type { RateLimit } from '#domain/pacing';
import type { EpochSeconds } from '#domain/time';

export type PacingResult = { allowed: true } | { allowed: false; retryAfter: number };

/** Send pacing: the per-number throughput slots and the pair rate to each user. */
export interface PacingStore {
  /** one more send from this number in this second, if under the per-number limit */
  takeNumberSlot(phoneNumberId: string, now: EpochSeconds, messagesPerSecond: number): Promise<PacingResult>;
  /** one more send to this user from this number, if within the pair rate */
  takePairSlot(phoneNumberId: string, contactId: string, now: EpochSeconds, limit: RateLimit): Promise<PacingResult>;
}
