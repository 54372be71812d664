import type { Template } from '#domain/templates';
import type { EpochSeconds } from '#domain/time';
import type { RateLimit } from '#domain/pacing';

export type PacingResult = { allowed: true } | { allowed: false; retryAfter: number };

/** What the send and template routes need from storage beyond the webhook store. */
export interface SendStore {
  readTemplate(name: string, language: string): Promise<Template | undefined>;
  putTemplate(template: Template, at: EpochSeconds): Promise<void>;
  listTemplates(): Promise<Template[]>;
  /** one more send from this number in this second, if under the per-number limit */
  takeNumberSlot(phoneNumberId: string, now: EpochSeconds, messagesPerSecond: number): Promise<PacingResult>;
  /** one more send to this user from this number, if within the pair rate */
  takePairSlot(phoneNumberId: string, contactId: string, now: EpochSeconds, limit: RateLimit): Promise<PacingResult>;
}
