import type { RateLimit } from '#domain/pacing';
import type { EpochSeconds } from '#domain/time';

export type PacingResult = { allowed: true } | { allowed: false; retryAfter: number };

/** Send pacing: the per-number throughput slots and the pair rate to each user. */
export interface PacingStore {
  /** one more send from this number in this second, if under the per-number limit */
  takeNumberSlot(phoneNumberId: string, now: EpochSeconds, messagesPerSecond: number): Promise<PacingResult>;
  /** one more send to this user from this number, if within the pair rate */
  takePairSlot(phoneNumberId: string, contactId: string, now: EpochSeconds, limit: RateLimit): Promise<PacingResult>;
  /**
   * Contact `from` was merged into `into` (one user): `into`'s pair rate carries the sends made to
   * both (domain/pacing.ts mergedArrival). A repeat after `from`'s slot is folded changes nothing.
   */
  mergePairSlot(phoneNumberId: string, from: string, into: string, now: EpochSeconds): Promise<void>;
}
