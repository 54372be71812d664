import { WINDOW_SECONDS } from './platform';
import type { EpochSeconds } from './time';

/** The customer service window lasts 24 hours from the user's latest message (its own timestamp). */
export { WINDOW_SECONDS };

export const windowExpiry = (lastInboundAt: EpochSeconds): EpochSeconds => lastInboundAt + WINDOW_SECONDS;

/** Whether an inbound message at `timestamp` moves the window: only a newer message does, never a late older one. */
export const extendsWindow = (currentLastInboundAt: EpochSeconds | undefined, timestamp: EpochSeconds): boolean =>
  currentLastInboundAt === undefined || timestamp > currentLastInboundAt;

/** Was the window open at a past instant? Used to classify a delivery at its own time, not at processing time. */
export const windowOpenAt = (
  window: { lastInboundAt: EpochSeconds; closedAt?: EpochSeconds } | undefined,
  at: EpochSeconds,
): boolean =>
  window !== undefined &&
  window.lastInboundAt <= at &&
  at < windowExpiry(window.lastInboundAt) &&
  !(window.closedAt !== undefined && window.closedAt >= window.lastInboundAt && window.closedAt <= at);
