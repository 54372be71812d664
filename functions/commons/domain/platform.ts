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

/**
 * Meta keeps trying to deliver a message the user's phone has not received for its time-to-live: 30
 * days by default (a template's may be set shorter), so a first `delivered` may come that long after
 * the send. https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/time-to-live
 */
export const MESSAGE_DELIVERY_DAYS = 30;

/**
 * The longest Meta's own machinery keeps a message's delivery statuses coming: delivery attempts for
 * the message's time-to-live, then its webhook retries. What a delivery counted is remembered this
 * long past the message record (retention.ts countedUnitsExpiry).
 */
export const STATUS_RETRY_HORIZON_DAYS = MESSAGE_DELIVERY_DAYS + WEBHOOK_RETRY_DAYS;

/** Message records (our dedupe record) outlive Meta's retry horizon by a day, whatever is configured. */
export const RETENTION_FLOOR_DAYS = WEBHOOK_RETRY_DAYS + 1;

/** Seconds a message record is kept for a configured number of retention days (never below the floor). */
export const retentionSeconds = (retentionDays: number): number => Math.max(retentionDays, RETENTION_FLOOR_DAYS) * DAY;

/**
 * How long after receipt a user's message can be marked as read.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/mark-message-as-read
 */
export const READ_RECEIPT_SECONDS = 30 * DAY;

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

/**
 * How long marketing to a user is held after Meta's 131049 (per-user marketing limit): Meta's
 * error-code page advises against retrying the user for a day
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
 */
export const MARKETING_LIMIT_SECONDS = 24 * HOUR;

/**
 * Media the Cloud API accepts, by message type: MIME types and the largest size in bytes (stickers:
 * 100 KB static, 500 KB animated). Inbound media obeys the same limits, so larger is refused, not stored.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#supported-media-types
 */
export const MEDIA_LIMITS = {
  image: { maxBytes: 5 * 1024 * 1024, mimeTypes: ['image/jpeg', 'image/png'] },
  audio: {
    maxBytes: 16 * 1024 * 1024,
    mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
  },
  video: { maxBytes: 16 * 1024 * 1024, mimeTypes: ['video/mp4', 'video/3gpp'] },
  document: {
    maxBytes: 100 * 1024 * 1024,
    mimeTypes: [
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
  },
  sticker: { maxBytes: 100 * 1024, animatedMaxBytes: 500 * 1024, mimeTypes: ['image/webp'] },
} as const;

/**
 * A media URL from `GET /{media-id}` is valid for five minutes.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#retrieve-media-url
 */
export const MEDIA_URL_SECONDS = 5 * 60;
