import { DAY, HOUR } from './time';

/**
 * The WhatsApp Business Platform's own numbers, in one place. Every rule that depends on one of
 * them imports it from here, so a change Meta announces is a one-line change with its test beside it
 * (platform.test.ts).
 */

/**
 * The customer service window: 24 hours from the user's latest message or call.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#customer-service-windows
 */
export const WINDOW_SECONDS = 24 * HOUR;

/**
 * A conversation (conversation-based pricing, and our own billing session): 24 hours from the
 * delivery of the message that opened it.
 * https://developers.facebook.com/docs/whatsapp/pricing/conversation-based-pricing
 */
export const CONVERSATION_SECONDS = 24 * HOUR;

/**
 * A free entry point window (click-to-WhatsApp ads, Page call-to-action): 72 hours, every message free.
 * https://developers.facebook.com/docs/whatsapp/pricing#free-entry-point-conversations
 */
export const ENTRY_POINT_SECONDS = 72 * HOUR;

/**
 * Meta retries an unacknowledged webhook for up to 7 days.
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications
 */
export const WEBHOOK_RETRY_DAYS = 7;

/** Message records (our dedupe record) outlive Meta's retry horizon by a day, whatever is configured. */
export const RETENTION_FLOOR_DAYS = WEBHOOK_RETRY_DAYS + 1;

/** Seconds a message record is kept for a configured number of retention days (never below the floor). */
export const retentionSeconds = (retentionDays: number): number => Math.max(retentionDays, RETENTION_FLOOR_DAYS) * DAY;

/**
 * Cloud API error codes the engine acts on.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
 */
export const MetaError = {
  /** Re-engagement message: more than 24 hours since the user last wrote. */
  outsideWindow: 131047,
  /** Per-user marketing message limit: Meta chose not to deliver, to keep the user's experience healthy. */
  marketingLimit: 131049,
  /** The user stopped marketing messages from the business. */
  marketingOptOut: 131050,
} as const;
