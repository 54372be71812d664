/**
 * The normalized events that one webhook POST turns into. The parser (parse.ts) produces them from
 * Meta's payload; the ingestion code consumes them. Every event keeps the item it came from in
 * `raw` so nothing Meta sent is lost, including fields we do not model yet.
 */

/** Epoch seconds. Meta sends timestamps as strings of Unix seconds; the parser converts them. */
export type EpochSeconds = number;

/** Who a user is, as far as one webhook tells: a phone-based wa_id, a business-scoped user id, or both. */
export interface UserIdentity {
  waId?: string;
  userId?: string;
  parentUserId?: string;
  profileName?: string;
  username?: string;
}

export interface MetaError {
  code: number;
  title?: string;
  message?: string;
  details?: string;
}

/** Where the event happened: the WhatsApp Business Account and, for message events, the business number. */
export interface Origin {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber?: string;
}

export type InboundMessageType =
  | 'text'
  | 'image'
  | 'audio'
  | 'video'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'interactive'
  | 'button'
  | 'reaction'
  | 'order'
  | 'system'
  | 'request_welcome'
  | 'unsupported'
  | 'unknown'
  /** any type Meta adds later: kept with its raw item, never rejected */
  | (string & {});

export interface InboundMessageEvent {
  kind: 'inbound-message';
  origin: Origin;
  /** The sender, merged from `from`/`from_user_id` and the matching `contacts[]` entry. */
  user: UserIdentity;
  id: string;
  timestamp: EpochSeconds;
  type: InboundMessageType;
  /** Reply/forward information as Meta sent it. */
  context?: { from?: string; id?: string; forwarded?: boolean; frequentlyForwarded?: boolean };
  /** Click-to-WhatsApp ad or post referral; starts a free-entry-point opportunity. */
  referral?: { sourceId?: string; sourceType?: string; sourceUrl?: string; ctwaClid?: string };
  /** For `system` messages: number or user-id changes. */
  system?: {
    type?: string;
    waId?: string;
    userId?: string;
    newWaId?: string;
    body?: string;
    /** BSUID era: the user's parent BSUID and, on `user_changed_user_id`, the id it replaces. */
    parentUserId?: string;
    previousUserId?: string;
  };
  /** `group_id` when the message was sent in a group chat. */
  groupId?: string;
  errors: MetaError[];
  raw: Record<string, unknown>;
}

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

/** Meta's `pricing` object on a status. Category is normalized to snake_case (authentication_international). */
export interface MetaPricing {
  model?: string; // CBP | PMP
  type?: string; // regular | free_customer_service | free_entry_point
  category?: string;
  billable?: boolean;
}

export interface MetaConversation {
  id: string;
  /** origin.type, normalized like pricing categories; 2022 names kept as Meta sent them */
  category?: string;
  expiresAt?: EpochSeconds;
}

export interface StatusEvent {
  kind: 'status';
  origin: Origin;
  /** The business message's wamid. */
  messageId: string;
  status: DeliveryStatus;
  timestamp: EpochSeconds;
  /** The recipient: recipient_id (phone) / recipient_user_id (BSUID), merged with contacts[] when present. */
  user: UserIdentity;
  conversation?: MetaConversation;
  pricing?: MetaPricing;
  errors: MetaError[];
  bizOpaqueCallbackData?: string;
  /**
   * For `recipient_type: "group"`: recipient_id, which is the group rather than a person; `user` then comes
   * from recipient_participant_id when Meta sends it.
   */
  groupId?: string;
  raw: Record<string, unknown>;
}

export interface TemplateStatusEvent {
  kind: 'template-status';
  wabaId: string;
  templateId: string;
  name: string;
  language: string;
  /** APPROVED, REJECTED, PAUSED, DISABLED, ... as Meta sent it */
  event: string;
  reason?: string;
  /** message_template_category when present, lower-case (marketing | utility | authentication) */
  category?: string;
  timestamp?: EpochSeconds;
  raw: Record<string, unknown>;
}

export interface TemplateCategoryEvent {
  kind: 'template-category';
  wabaId: string;
  templateId: string;
  name: string;
  language: string;
  /** lower-case */
  newCategory: string;
  previousCategory?: string;
  timestamp?: EpochSeconds;
  raw: Record<string, unknown>;
}

export interface AccountUpdateEvent {
  kind: 'account-update';
  wabaId: string;
  event?: string;
  timestamp?: EpochSeconds;
  /** DISABLED_UPDATE's ban_info.waba_ban_state and waba_ban_date */
  banState?: string;
  banDate?: string;
  /** ACCOUNT_RESTRICTION's restriction_info */
  restrictions?: { type: string; expiresAt?: EpochSeconds }[];
  /** ACCOUNT_VIOLATION's violation_info.violation_type */
  violationType?: string;
  raw: Record<string, unknown>;
}

/**
 * `phone_number_quality_update`: a number's messaging-limit tier or throughput changed, or its quality
 * flagged (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/phone_number_quality_update).
 * Meta names the number by its display number only.
 */
export interface NumberQualityEvent {
  kind: 'number-quality';
  wabaId: string;
  displayNumber: string;
  event: string;
  /** max_daily_conversations_per_business, else current_limit */
  limit?: string;
  /** old_limit, for a limit change */
  previousLimit?: string;
  timestamp?: EpochSeconds;
  raw: Record<string, unknown>;
}

/** The template fields both template-change webhooks below name. */
interface TemplateRef {
  wabaId: string;
  templateId: string;
  name: string;
  language: string;
  timestamp?: EpochSeconds;
  raw: Record<string, unknown>;
}

/** `message_template_quality_update`: a template's quality score changed. */
export interface TemplateQualityEvent extends TemplateRef {
  kind: 'template-quality';
  /** GREEN, YELLOW, RED or UNKNOWN */
  quality: string;
  previousQuality?: string;
}

/** `message_template_components_update`: a template was edited; its text parts as Meta sent them. */
export interface TemplateComponentsEvent extends TemplateRef {
  kind: 'template-components';
  body: string;
  header?: string;
  footer?: string;
  buttons: { type: string; text?: string; url?: string; phoneNumber?: string }[];
}

/**
 * `smb_message_echoes`: a message the business sent from the WhatsApp Business app (or a linked device)
 * on a number it shares with the Cloud API (coexistence)
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/reference/smb_message_echoes).
 */
export interface MessageEchoEvent {
  kind: 'message-echo';
  origin: Origin;
  /** the recipient */
  user: UserIdentity;
  id: string;
  timestamp: EpochSeconds;
  type: string;
  raw: Record<string, unknown>;
}

/**
 * `user_preferences`: the user stopped or resumed marketing messages from the business
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/user_preferences).
 */
export interface UserPreferenceEvent {
  kind: 'user-preference';
  origin: Origin;
  user: UserIdentity;
  /** marketing_messages */
  category: string;
  /** stop | resume */
  value: string;
  timestamp: EpochSeconds;
  raw: Record<string, unknown>;
}

/** value.errors[]: errors Meta reports about the app or account rather than one message. */
export interface ValueErrorEvent {
  kind: 'value-error';
  origin?: Partial<Origin> & { wabaId: string };
  error: MetaError;
  raw: Record<string, unknown>;
}

/**
 * Anything the parser could not model: a field we do not handle, or an item of a known field that
 * is malformed. Parked raw (with a retention TTL) for inspection; never makes the POST fail.
 */
export interface UnrecognizedEvent {
  kind: 'unrecognized';
  wabaId?: string;
  field?: string;
  /** JSON-path-like location inside the POST, e.g. entry[0].changes[1].value.statuses[3] */
  path: string;
  reason: string;
  raw: unknown;
}

export type WebhookEvent =
  | InboundMessageEvent
  | StatusEvent
  | TemplateStatusEvent
  | TemplateCategoryEvent
  | AccountUpdateEvent
  | NumberQualityEvent
  | TemplateQualityEvent
  | TemplateComponentsEvent
  | MessageEchoEvent
  | UserPreferenceEvent
  | ValueErrorEvent
  | UnrecognizedEvent;

export interface ParsedWebhook {
  /** Meta's `object`, normally whatsapp_business_account. */
  object?: string;
  events: WebhookEvent[];
}
