import * as v from 'valibot';

/**
 * The event catalogue: every event the engine publishes, its `detail-type` and the shape of its
 * `detail`, declared once. The JSON Schemas in docs/events/ are generated from these declarations
 * (`npx tsx bin/generate-event-schemas.ts`), and tests validate every event
 * they produce against them.
 */

/** EventBridge `source` of every event. */
export const EVENT_SOURCE = 'whatsapp.session-engine';

const isoTime = v.pipe(v.string(), v.isoTimestamp());

type Optional = v.OptionalSchema<v.StringSchema<undefined>, undefined>;

/** Fields Meta may leave out, each a string when it is there. */
const optionalStrings = <K extends string>(...names: K[]) =>
  Object.fromEntries(names.map((name) => [name, v.optional(v.string())])) as Record<K, Optional>;

/** Who the event is about: the user's phone-based wa_id and/or business-scoped user id. */
const contact = v.strictObject({
  waId: v.optional(v.string()),
  userId: v.optional(v.string()),
});

/** Fields every event carries. `eventId` is stable: the same stored change always yields the same id. */
const common = {
  eventId: v.pipe(v.string(), v.uuid()),
  occurredAt: isoTime,
  recordedAt: isoTime,
  phoneNumberId: v.string(),
};

const withContact = { ...common, contact };

/**
 * Fields of the events about the WhatsApp Business Account rather than one number: templates and
 * restrictions belong to the account, account updates name only it, and Meta's quality webhook names
 * the number by its display number. So Meta gives no phone_number_id: empty when unknown.
 */
const ofAccount = { ...common, phoneNumberId: v.optional(v.string()), wabaId: v.optional(v.string()) };

/** A value Meta changed, and the one before it when it was another: `quality` and `previousQuality`. */
const withPrevious = <K extends string>(name: K) =>
  optionalStrings<K | `previous${Capitalize<K>}`>(
    name,
    `previous${name.charAt(0).toUpperCase()}${name.slice(1)}` as `previous${Capitalize<K>}`,
  );

const media = v.strictObject({
  id: v.string(),
  mimeType: v.optional(v.string()),
  sha256: v.optional(v.string()),
  caption: v.optional(v.string()),
  filename: v.optional(v.string()),
  /** where the engine serves the file (GET, API token with `read`): 409 MEDIA_PENDING until `media.stored` */
  url: v.string(),
});

/** A user's file as the engine keeps it: Meta's media id and digest, and what the worker stored. */
const storedMedia = v.strictObject({
  id: v.string(),
  mimeType: v.optional(v.string()),
  /** Meta's digest (base64), which the stored bytes matched */
  sha256: v.optional(v.string()),
  filename: v.optional(v.string()),
  url: v.string(),
});

const content = v.strictObject({
  text: v.optional(v.strictObject({ body: v.string() })),
  media: v.optional(media),
  location: v.optional(
    v.strictObject({
      latitude: v.number(),
      longitude: v.number(),
      name: v.optional(v.string()),
      address: v.optional(v.string()),
    }),
  ),
  interactive: v.optional(
    v.strictObject({
      type: v.string(),
      id: v.optional(v.string()),
      title: v.optional(v.string()),
      description: v.optional(v.string()),
      responseJson: v.optional(v.string()),
    }),
  ),
  button: v.optional(v.strictObject({ payload: v.optional(v.string()), text: v.optional(v.string()) })),
  reaction: v.optional(v.strictObject({ messageId: v.string(), emoji: v.optional(v.string()) })),
  context: v.optional(
    v.strictObject({
      messageId: v.optional(v.string()),
      from: v.optional(v.string()),
      forwarded: v.optional(v.boolean()),
    }),
  ),
  referral: v.optional(v.strictObject(optionalStrings('sourceId', 'sourceType', 'sourceUrl', 'ctwaClid'))),
});

const deliveryStatus = v.picklist(['sent', 'delivered', 'read', 'played', 'failed']);

const window = {
  lastInboundAt: isoTime,
  expiresAt: isoTime,
};

export const eventDetails = {
  'message.received': v.strictObject({
    ...withContact,
    wamid: v.string(),
    type: v.string(),
    timestamp: isoTime,
    content,
  }),
  'media.stored': v.strictObject({
    ...withContact,
    wamid: v.string(),
    /** the message type: image, audio, video, document or sticker */
    type: v.string(),
    media: v.strictObject({ ...storedMedia.entries, size: v.pipe(v.number(), v.integer()) }),
    /** the object in the private media bucket, for services in the account that read it directly */
    location: v.strictObject({ bucket: v.string(), key: v.string() }),
  }),
  'media.failed': v.strictObject({
    ...withContact,
    wamid: v.string(),
    type: v.string(),
    media: storedMedia,
    /** why it was not stored: over Meta's size limit, gone at Meta, a digest that never matched, retries used up */
    reason: v.string(),
  }),
  'message.status': v.strictObject({
    ...withContact,
    wamid: v.string(),
    status: deliveryStatus,
    previousStatus: v.nullable(deliveryStatus),
    timestamp: isoTime,
    /**
     * `api`: sent through our send API; `external`: another tool on the number sent it; `business-app`: sent
     * from the WhatsApp Business app on a coexistence number (Meta's echo)
     */
    source: v.picklist(['api', 'external', 'business-app']),
    errors: v.array(
      v.strictObject({ code: v.number(), title: v.optional(v.string()), details: v.optional(v.string()) }),
    ),
    pricing: v.optional(
      v.strictObject({ ...optionalStrings('model', 'type', 'category'), billable: v.optional(v.boolean()) }),
    ),
  }),
  'window.opened': v.strictObject({ ...withContact, ...window }),
  'window.extended': v.strictObject({ ...withContact, ...window, previousExpiresAt: isoTime }),
  'window.closing': v.strictObject({ ...withContact, ...window, secondsLeft: v.pipe(v.number(), v.integer()) }),
  'window.closed': v.strictObject({
    ...withContact,
    ...window,
    /** `expired`: 24 h passed; `outside-window-error`: Meta refused a send with 131047 */
    reason: v.picklist(['expired', 'outside-window-error']),
  }),
  'conversation.opened': v.strictObject({
    ...withContact,
    conversationId: v.string(),
    category: v.string(),
    origin: v.string(),
    openedAt: isoTime,
    expiresAt: isoTime,
    /** the wamid whose delivery opened it */
    openedBy: v.string(),
    billing: v.strictObject({
      day: v.string(),
      country: v.string(),
      pricingModel: v.string(),
      pricingType: v.string(),
    }),
  }),
  'template.updated': v.strictObject({
    ...ofAccount,
    templateId: v.optional(v.string()),
    name: v.string(),
    language: v.string(),
    ...withPrevious('status'),
    reason: v.optional(v.string()),
    ...withPrevious('category'),
    /** Meta's quality score (GREEN, YELLOW, RED, UNKNOWN), from message_template_quality_update or the sync */
    ...withPrevious('quality'),
  }),
  'account.updated': v.strictObject({
    ...ofAccount,
    event: v.optional(v.string()),
    /** Meta's account_update value as it came */
    update: v.record(v.string(), v.unknown()),
  }),
  'number.health': v.strictObject({
    ...ofAccount,
    /** digits, as Meta writes it */
    displayNumber: v.string(),
    /** GREEN, YELLOW, RED or UNKNOWN: RED once Meta flagged the number */
    ...withPrevious('quality'),
    /** Meta's messaging-limit tier, e.g. TIER_2K, TIER_UNLIMITED */
    ...withPrevious('messagingLimit'),
  }),
  'account.restrictions': v.strictObject({
    ...ofAccount,
    /** true while any restriction is in force (a ban, or a messaging restriction not yet expired) */
    restricted: v.boolean(),
    restrictions: v.array(
      v.strictObject({
        /** DISABLE, SCHEDULE_FOR_DISABLE, or Meta's restriction_type */
        type: v.string(),
        expiresAt: v.optional(isoTime),
        /** the ban date as Meta wrote it */
        date: v.optional(v.string()),
      }),
    ),
    /** the latest policy violation Meta reported (ACCOUNT_VIOLATION) */
    violation: v.optional(v.string()),
  }),
  'contact.linked': v.strictObject({
    ...common,
    contact: v.strictObject({ waId: v.string(), userId: v.string() }),
  }),
} as const;

export type EventName = keyof typeof eventDetails;
export const EVENT_NAMES = Object.keys(eventDetails) as EventName[];
export type EventDetail<N extends EventName> = v.InferOutput<(typeof eventDetails)[N]>;

/** One domain event: what EventBridge calls `detail-type` and `detail`. */
export type DomainEvent = { [N in EventName]: { detailType: N; detail: EventDetail<N> } }[EventName];

/** Builds an event whose detail the compiler checks against the catalogue. */
export const domainEvent = <N extends EventName>(detailType: N, detail: EventDetail<N>): DomainEvent =>
  ({ detailType, detail }) as DomainEvent;

/** The EventBridge envelope of one event type, as rule targets and the HTTPS endpoint receive it. */
export const eventEnvelope = <N extends EventName>(name: N) =>
  v.strictObject({
    version: v.literal('0'),
    id: v.string(),
    'detail-type': v.literal(name),
    source: v.literal(EVENT_SOURCE),
    account: v.string(),
    time: isoTime,
    region: v.string(),
    resources: v.array(v.string()),
    detail: eventDetails[name],
  });
