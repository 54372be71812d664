import { WINDOW_SECONDS } from './platform';
import { isLive, type EpochSeconds } from './time';

/** The customer service window lasts 24 hours from the user's latest message or call (its own timestamp). */
export { WINDOW_SECONDS };

/** The customer service window of one (business number, user) pair as stored. */
export interface WindowState {
  /** timestamp of the user's latest message: the window runs 24 h from it */
  lastInboundAt: EpochSeconds;
  expiresAt: EpochSeconds;
  /** set when Meta refused a free-form send (131047): the window is closed from then until the user writes again */
  closedAt?: EpochSeconds;
}

/**
 * A user's call opens the window as a message does: Meta says the customer service window starts when
 * a user "messages you or calls you" (https://developers.facebook.com/docs/whatsapp/pricing). Only the
 * `connect` of a call the user placed counts; a business-initiated call, or a call's later events, do not.
 */
export const callOpensWindow = (call: { event?: string; direction?: string }): boolean =>
  call.event === 'connect' && call.direction === 'USER_INITIATED';

export const windowExpiry = (lastInboundAt: EpochSeconds): EpochSeconds => lastInboundAt + WINDOW_SECONDS;

/** Whether an inbound message at `timestamp` moves the window: only a newer message does, never a late older one. */
export const extendsWindow = (currentLastInboundAt: EpochSeconds | undefined, timestamp: EpochSeconds): boolean =>
  currentLastInboundAt === undefined || timestamp > currentLastInboundAt;

/** Whether a refusal at `at` closes the window: only a refusal later than the last one does. */
export const closesWindow = (currentClosedAt: EpochSeconds | undefined, at: EpochSeconds): boolean =>
  currentClosedAt === undefined || currentClosedAt < at;

/** Was the window open at a past instant? Used to classify a delivery at its own time, not at processing time. */
export const windowOpenAt = (
  window: { lastInboundAt: EpochSeconds; closedAt?: EpochSeconds } | undefined,
  at: EpochSeconds,
): boolean =>
  window !== undefined &&
  window.lastInboundAt <= at &&
  at < windowExpiry(window.lastInboundAt) &&
  !(window.closedAt !== undefined && window.closedAt >= window.lastInboundAt && window.closedAt <= at);

/** Is the window open now, whatever DynamoDB has not yet deleted? */
export const isWindowOpen = (window: WindowState | undefined, now: EpochSeconds): boolean =>
  window !== undefined && isLive(window.expiresAt, now) && windowOpenAt(window, now);
