/**
 * What Meta sent and what it posts about it: the record of each message the sandbox accepted, Meta's
 * pricing of it, and the webhook payloads (statuses, a user's inbound message) in the shapes of
 * https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components.
 */
import type { UserIds } from '#domain/identity';
import type { EpochSeconds } from '#domain/time';
import { RE_ENGAGEMENT, type Json } from './errors';

export type SandboxStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface SandboxPricing {
  billable: boolean;
  pricing_model: 'PMP';
  type: 'regular' | 'free_customer_service';
  category: string;
}

export interface SandboxSentMessage {
  id: string;
  phoneNumberId: string;
  /** `to` as the request gave it */
  to: string;
  waId?: string;
  userId?: string;
  type: string;
  template?: { name: string; language: string; category: string };
  /** whether the user's 24-hour window was open at send time */
  insideWindow: boolean;
  /** accepted: statuses sent, delivered, read follow; failed: a `failed` status with `errorCode` follows */
  outcome: 'accepted' | 'failed';
  errorCode?: number;
  pricing?: SandboxPricing;
  conversation?: { id: string; category: string; expiresAt: number };
  /** epoch seconds */
  acceptedAt: number;
  /** status webhooks so far, in order; delivered: the webhook endpoint answered 2xx */
  statuses: Array<{ status: SandboxStatus; timestamp: number; delivered: boolean }>;
  /** the request body as received */
  body: Record<string, unknown>;
}

/** What a user writes; one kind today, each further kind (media) one more member. */
/** What a sandbox user sends: text, or a media part as Meta's webhook carries it (`{ type, [type]: {...} }`). */
export type InboundContent = { type: 'text'; text: string } | { type: 'media'; part: Json };

/** Meta's pricing category spelling: a hyphen in authentication-international. */
const pricingCategory = (category: string): string =>
  category === 'authentication_international' ? 'authentication-international' : category;

/**
 * Per-message pricing (PMP) as Meta publishes it: free-form and utility templates inside the window
 * are free, every other template is billable (https://developers.facebook.com/docs/whatsapp/pricing).
 * Stated here on purpose rather than taken from #domain/delivery: the engine compares Meta's pricing
 * with its own classification, so the stand-in for Meta must not share the rule it is checked against.
 */
export const pricingOf = (templateCategory: string | undefined, insideWindow: boolean): SandboxPricing => {
  const free = templateCategory === undefined || (templateCategory === 'utility' && insideWindow);
  return {
    billable: !free,
    pricing_model: 'PMP',
    type: free ? 'free_customer_service' : 'regular',
    category: pricingCategory(templateCategory ?? 'service'),
  };
};

const recipientFields = (ids: UserIds): Json => ({
  ...(ids.waId === undefined ? {} : { recipient_id: ids.waId }),
  ...(ids.userId === undefined ? {} : { recipient_user_id: ids.userId }),
});

export const contactFields = (ids: UserIds): Json => ({
  ...(ids.waId === undefined ? {} : { wa_id: ids.waId }),
  ...(ids.userId === undefined ? {} : { user_id: ids.userId }),
});

/**
 * One status item. `conversation` and `pricing` ride on `sent` and `delivered` only, never on `read`;
 * `expiration_timestamp` only on `sent`, as Meta sends them.
 */
export const statusItem = (message: SandboxSentMessage, status: SandboxStatus, timestamp: EpochSeconds): Json => {
  const item: Json = { id: message.id, status, timestamp: String(timestamp), ...recipientFields(message) };
  const biz = message.body.biz_opaque_callback_data;
  if (typeof biz === 'string') item.biz_opaque_callback_data = biz;
  if (status === 'failed') item.errors = [RE_ENGAGEMENT];
  else if ((status === 'sent' || status === 'delivered') && message.conversation && message.pricing) {
    item.conversation = {
      id: message.conversation.id,
      ...(status === 'sent' ? { expiration_timestamp: String(message.conversation.expiresAt) } : {}),
      origin: { type: message.conversation.category },
    };
    item.pricing = { ...message.pricing };
  }
  return item;
};

/** One inbound message item, from the user by phone number and/or user id. */
export const inboundItem = (user: UserIds, wamid: string, timestamp: EpochSeconds, content: InboundContent): Json => ({
  ...(user.waId === undefined ? {} : { from: user.waId }),
  ...(user.userId === undefined ? {} : { from_user_id: user.userId }),
  id: wamid,
  timestamp: String(timestamp),
  ...(content.type === 'text' ? { type: 'text', text: { body: content.text } } : content.part),
});

/** The webhook body around a `value`: one entry of the WABA, one `messages` (or echoes) change of the business number. */
export const envelope = (
  business: { wabaId: string; displayPhoneNumber: string },
  phoneNumberId: string,
  value: Json,
  field: 'messages' | 'smb_message_echoes' = 'messages',
): Json => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: business.wabaId,
      changes: [
        {
          field,
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: business.displayPhoneNumber, phone_number_id: phoneNumberId },
            ...value,
          },
        },
      ],
    },
  ],
});

/** A message the business app sent, as Meta echoes it: from the business number, to the user. */
export const echoItem = (message: SandboxSentMessage, displayPhoneNumber: string): Json => ({
  from: displayPhoneNumber,
  ...(message.waId === undefined ? {} : { to: message.waId }),
  ...(message.userId === undefined ? {} : { to_user_id: message.userId }),
  id: message.id,
  timestamp: String(message.acceptedAt),
  type: message.type,
  [message.type]: message.body[message.type],
});
