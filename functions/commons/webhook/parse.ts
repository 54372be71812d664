/**
 * Turns one Meta webhook POST body into normalized events (see ./events). Total by design: whatever the
 * body holds, every item comes out either as a modelled event or as an `unrecognized` one with its path,
 * so one odd item never costs the rest of the batch, and the POST can always be acknowledged.
 */
import { z } from 'zod';
import type {
  DeliveryStatus,
  InboundMessageEvent,
  MetaConversation,
  MetaError,
  MetaPricing,
  Origin,
  ParsedWebhook,
  StatusEvent,
  UnrecognizedEvent,
  UserIdentity,
  WebhookEvent,
} from './events';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Drops undefined members so events carry only what Meta sent (and compare cleanly). */
const compact = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** Meta's snake_case for categories; the status reference spells `authentication-international`. */
const normalizeCategory = (category: string | undefined): string | undefined =>
  category === undefined ? undefined : category.trim().toLowerCase().replace(/-/g, '_');

// ---------------------------------------------------------------------------------------------------------
// Schemas. Required fields are strict (they decide whether an item is usable); descriptive optional fields
// fall back to undefined when mistyped, because the item itself is still good and `raw` keeps the original.

const lenientString = z.string().optional().catch(undefined);
const lenientBoolean = z.boolean().optional().catch(undefined);
const requiredString = z.string().min(1);
/** Ids Meta sends as strings; a number is accepted because some senders (and test tools) emit them so. */
const idLike = z.union([requiredString, z.number().int().nonnegative().transform(String)], {
  error: 'expected a non-empty string id',
});

/** Unix seconds; 11 digits at most so a millisecond value is rejected rather than read as year 49,000. */
const MAX_EPOCH_SECONDS = 99_999_999_999;
const epochSeconds = z.union(
  [
    z
      .string()
      .regex(/^\d{1,11}$/)
      .transform(Number),
    z.number().int().nonnegative().max(MAX_EPOCH_SECONDS),
  ],
  { error: 'expected Unix seconds as a digit string or a non-negative integer' },
);

/** message_template_id is a JSON integer; precision beyond 2^53 is already lost, so reject it visibly. */
const templateId = z.union([z.number().int().nonnegative().transform(String), z.string().regex(/^\d{1,30}$/)], {
  error: 'expected an integer template id',
});

const errorSchema = z.looseObject({
  code: z.union(
    [
      z.number().int(),
      z
        .string()
        .regex(/^-?\d+$/)
        .transform(Number),
    ],
    {
      error: 'expected an integer error code',
    },
  ),
  title: lenientString,
  message: lenientString,
  error_data: z.looseObject({ details: lenientString }).optional().catch(undefined),
});

const contactSchema = z.looseObject({
  wa_id: idLike.optional().catch(undefined),
  user_id: lenientString,
  parent_user_id: lenientString,
  profile: z.looseObject({ name: lenientString, username: lenientString }).optional().catch(undefined),
});
type Contact = z.infer<typeof contactSchema>;

const metadataSchema = z.looseObject({
  phone_number_id: idLike,
  display_phone_number: idLike.optional().catch(undefined),
});

const messageSchema = z.looseObject({
  id: requiredString,
  timestamp: epochSeconds,
  /** Missing type reads as Meta's legacy `unknown`: the message still opens the service window. */
  type: requiredString.optional(),
  from: requiredString.optional(),
  from_user_id: requiredString.optional(),
  from_parent_user_id: lenientString,
  group_id: lenientString,
  context: z
    .looseObject({
      from: lenientString,
      id: lenientString,
      forwarded: lenientBoolean,
      frequently_forwarded: lenientBoolean,
    })
    .optional()
    .catch(undefined),
  referral: z
    .looseObject({
      source_id: lenientString,
      source_type: lenientString,
      source_url: lenientString,
      ctwa_clid: lenientString,
    })
    .optional()
    .catch(undefined),
  system: z
    .looseObject({
      type: lenientString,
      body: lenientString,
      wa_id: idLike.optional().catch(undefined),
      user_id: lenientString,
      parent_user_id: lenientString,
      previous_user_id: lenientString,
      new_wa_id: idLike.optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
  errors: z.array(z.unknown()).optional().catch(undefined),
});

const DELIVERY_STATUSES = ['sent', 'delivered', 'read', 'played', 'failed'] as const satisfies DeliveryStatus[];

const statusSchema = z.looseObject({
  id: requiredString,
  status: z.enum(DELIVERY_STATUSES),
  timestamp: epochSeconds,
  recipient_id: requiredString.optional(),
  recipient_user_id: requiredString.optional(),
  parent_recipient_user_id: lenientString,
  recipient_type: lenientString,
  recipient_participant_id: lenientString,
  biz_opaque_callback_data: lenientString,
  conversation: z
    .looseObject({
      id: requiredString,
      expiration_timestamp: epochSeconds.optional().catch(undefined),
      origin: z.looseObject({ type: lenientString }).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
  pricing: z
    .looseObject({
      pricing_model: lenientString,
      type: lenientString,
      category: lenientString,
      billable: lenientBoolean,
    })
    .optional()
    .catch(undefined),
  errors: z.array(z.unknown()).optional().catch(undefined),
});

const templateStatusSchema = z.looseObject({
  event: requiredString,
  message_template_id: templateId,
  message_template_name: requiredString,
  message_template_language: requiredString,
  // null when the template is scheduled for deletion
  reason: z.string().nullable().optional().catch(undefined),
  message_template_category: lenientString,
});

const templateCategorySchema = z.looseObject({
  message_template_id: templateId,
  message_template_name: requiredString,
  message_template_language: requiredString,
  new_category: requiredString,
  previous_category: lenientString,
});

const accountUpdateSchema = z.looseObject({ event: lenientString });

// ---------------------------------------------------------------------------------------------------------

const MAX_REASON_LENGTH = 500;

const describeIssues = (error: z.ZodError): string => {
  const text = error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}…` : text;
};

const toMetaError = (error: z.infer<typeof errorSchema>): MetaError =>
  compact({
    code: error.code,
    title: error.title,
    message: error.message,
    details: error.error_data?.details,
  });

/** Item-level errors are decoration on a message or status: unreadable ones are skipped, `raw` keeps them. */
const toMetaErrors = (errors: unknown[] | undefined): MetaError[] => {
  if (!errors) return [];
  const result: MetaError[] = [];
  for (const candidate of errors) {
    const parsed = errorSchema.safeParse(candidate);
    if (parsed.success) result.push(toMetaError(parsed.data));
  }
  return result;
};

interface ChangeContext {
  wabaId: string;
  field: string;
  path: string;
}

const unrecognized = (
  ctx: Partial<ChangeContext> & { path: string },
  reason: string,
  raw: unknown,
): UnrecognizedEvent => ({
  ...compact({ kind: 'unrecognized' as const, wabaId: ctx.wabaId, field: ctx.field, path: ctx.path, reason }),
  raw,
});

const failureReason = (error: unknown): string =>
  `parser error: ${error instanceof Error ? error.message : String(error)}`.slice(0, MAX_REASON_LENGTH);

/**
 * contacts[] indexed once per change value, so matching N items stays linear. Keys are prefixed because
 * a wa_id and a user id live in different namespaces.
 */
class ContactIndex {
  private readonly byId = new Map<string, Contact>();
  private readonly only: Contact | undefined;

  constructor(contacts: unknown) {
    const list = Array.isArray(contacts) ? contacts : [];
    let parsedCount = 0;
    let last: Contact | undefined;
    for (const candidate of list) {
      const parsed = contactSchema.safeParse(candidate);
      if (!parsed.success) continue;
      parsedCount += 1;
      last = parsed.data;
      // first entry wins so a later duplicate id cannot re-attribute an item
      if (parsed.data.user_id && !this.byId.has(`u:${parsed.data.user_id}`)) {
        this.byId.set(`u:${parsed.data.user_id}`, parsed.data);
      }
      if (parsed.data.wa_id && !this.byId.has(`w:${parsed.data.wa_id}`)) {
        this.byId.set(`w:${parsed.data.wa_id}`, parsed.data);
      }
    }
    this.only = parsedCount === 1 && list.length === 1 ? last : undefined;
  }

  /**
   * `wa_id` may differ from `from` (Meta says they "may not always match"), so when a change carries exactly
   * one contact and one item, that contact is the item's user even without an id match.
   */
  find(userId: string | undefined, waId: string | undefined, singleItem: boolean): Contact | undefined {
    return (
      (userId === undefined ? undefined : this.byId.get(`u:${userId}`)) ??
      (waId === undefined ? undefined : this.byId.get(`w:${waId}`)) ??
      (singleItem ? this.only : undefined)
    );
  }
}

const mergeIdentity = (own: UserIdentity, contact: Contact | undefined): UserIdentity =>
  compact({
    waId: own.waId ?? contact?.wa_id,
    userId: own.userId ?? contact?.user_id,
    parentUserId: own.parentUserId ?? contact?.parent_user_id,
    profileName: contact?.profile?.name,
    username: contact?.profile?.username,
  });

const hasUserId = (user: UserIdentity): boolean => user.waId !== undefined || user.userId !== undefined;

const parseMessage = (
  item: unknown,
  origin: Origin | undefined,
  contacts: ContactIndex,
  singleItem: boolean,
  ctx: ChangeContext,
): WebhookEvent => {
  if (!origin) return unrecognized(ctx, 'value.metadata.phone_number_id is missing or invalid', item);
  const parsed = messageSchema.safeParse(item);
  if (!parsed.success) return unrecognized(ctx, describeIssues(parsed.error), item);
  const m = parsed.data;
  const type = m.type ?? 'unknown';
  const contact = contacts.find(m.from_user_id, m.from, singleItem);
  const user = mergeIdentity(
    compact({ waId: m.from, userId: m.from_user_id, parentUserId: m.from_parent_user_id }),
    contact,
  );
  // Identity-change system messages may come without a sender; their ids are in `system`.
  if (!hasUserId(user) && type !== 'system') {
    return unrecognized(ctx, 'message has no sender: neither from nor from_user_id', item);
  }
  const event: InboundMessageEvent = {
    kind: 'inbound-message',
    origin,
    user,
    id: m.id,
    timestamp: m.timestamp,
    type,
    errors: toMetaErrors(m.errors),
    raw: item as JsonObject,
  };
  if (m.group_id !== undefined) event.groupId = m.group_id;
  if (m.context) {
    event.context = compact({
      from: m.context.from,
      id: m.context.id,
      forwarded: m.context.forwarded,
      frequentlyForwarded: m.context.frequently_forwarded,
    });
  }
  if (m.referral) {
    event.referral = compact({
      sourceId: m.referral.source_id,
      sourceType: m.referral.source_type,
      sourceUrl: m.referral.source_url,
      ctwaClid: m.referral.ctwa_clid,
    });
  }
  if (m.system) {
    event.system = compact({
      type: m.system.type,
      waId: m.system.wa_id,
      userId: m.system.user_id,
      parentUserId: m.system.parent_user_id,
      previousUserId: m.system.previous_user_id,
      newWaId: m.system.new_wa_id,
      body: m.system.body,
    });
  }
  return event;
};

const parseStatus = (
  item: unknown,
  origin: Origin | undefined,
  contacts: ContactIndex,
  singleItem: boolean,
  ctx: ChangeContext,
): WebhookEvent => {
  if (!origin) return unrecognized(ctx, 'value.metadata.phone_number_id is missing or invalid', item);
  const parsed = statusSchema.safeParse(item);
  if (!parsed.success) return unrecognized(ctx, describeIssues(parsed.error), item);
  const s = parsed.data;
  // For a group, recipient_id is the group; the person is recipient_participant_id.
  const groupId = s.recipient_type === 'group' ? s.recipient_id : undefined;
  const waId = groupId === undefined ? s.recipient_id : s.recipient_participant_id;
  const contact = contacts.find(s.recipient_user_id, waId, singleItem);
  const user = mergeIdentity(
    compact({ waId, userId: s.recipient_user_id, parentUserId: s.parent_recipient_user_id }),
    contact,
  );
  if (!hasUserId(user) && groupId === undefined) {
    return unrecognized(ctx, 'status has no recipient: neither recipient_id nor recipient_user_id', item);
  }
  const event: StatusEvent = {
    kind: 'status',
    origin,
    messageId: s.id,
    status: s.status,
    timestamp: s.timestamp,
    user,
    errors: toMetaErrors(s.errors),
    raw: item as JsonObject,
  };
  if (groupId !== undefined) event.groupId = groupId;
  if (s.conversation) {
    const conversation: MetaConversation = compact({
      id: s.conversation.id,
      category: normalizeCategory(s.conversation.origin?.type),
      expiresAt: s.conversation.expiration_timestamp,
    });
    event.conversation = conversation;
  }
  if (s.pricing) {
    const pricing: MetaPricing = compact({
      model: s.pricing.pricing_model,
      type: s.pricing.type,
      category: normalizeCategory(s.pricing.category),
      billable: s.pricing.billable,
    });
    event.pricing = pricing;
  }
  if (s.biz_opaque_callback_data !== undefined) event.bizOpaqueCallbackData = s.biz_opaque_callback_data;
  return event;
};

const parseValueError = (item: unknown, origin: Partial<Origin>, ctx: ChangeContext): WebhookEvent => {
  const parsed = errorSchema.safeParse(item);
  if (!parsed.success) return unrecognized(ctx, describeIssues(parsed.error), item);
  return {
    kind: 'value-error',
    origin: compact({ ...origin, wabaId: ctx.wabaId }),
    error: toMetaError(parsed.data),
    raw: item as JsonObject,
  };
};

/** Runs one item's parser so that even an unforeseen exception costs only that item. */
const guarded = (ctx: ChangeContext, item: unknown, parseItem: () => WebhookEvent): WebhookEvent => {
  try {
    return parseItem();
  } catch (error) {
    return unrecognized(ctx, failureReason(error), item);
  }
};

const parseMessagesValue = (value: JsonObject, ctx: ChangeContext, out: WebhookEvent[]): void => {
  const metadata = metadataSchema.safeParse(value.metadata);
  const origin: Origin | undefined = metadata.success
    ? compact({
        wabaId: ctx.wabaId,
        phoneNumberId: metadata.data.phone_number_id,
        displayPhoneNumber: metadata.data.display_phone_number,
      })
    : undefined;
  const contacts = new ContactIndex(value.contacts);
  let known = 0;

  const eachItem = (key: string, handle: (item: unknown, itemCtx: ChangeContext, single: boolean) => WebhookEvent) => {
    const list = value[key];
    if (list === undefined) return;
    known += 1;
    const listPath = `${ctx.path}.${key}`;
    if (!Array.isArray(list)) {
      out.push(unrecognized({ ...ctx, path: listPath }, `${key} is not an array`, list));
      return;
    }
    const single = list.length === 1;
    list.forEach((item, index) => {
      const itemCtx = { ...ctx, path: `${listPath}[${index}]` };
      out.push(guarded(itemCtx, item, () => handle(item, itemCtx, single)));
    });
  };

  eachItem('messages', (item, itemCtx, single) => parseMessage(item, origin, contacts, single, itemCtx));
  eachItem('statuses', (item, itemCtx, single) => parseStatus(item, origin, contacts, single, itemCtx));
  const errorOrigin: Partial<Origin> = metadata.success
    ? compact({ phoneNumberId: metadata.data.phone_number_id, displayPhoneNumber: metadata.data.display_phone_number })
    : {};
  eachItem('errors', (item, itemCtx) => parseValueError(item, errorOrigin, itemCtx));

  if (known === 0) {
    // e.g. a `calls` payload delivered under field `messages`; park it rather than drop it silently
    out.push(unrecognized(ctx, 'messages change without messages, statuses or errors', value));
  }
};

const parseTemplateStatus = (value: JsonObject, ctx: ChangeContext, time: number | undefined): WebhookEvent => {
  const parsed = templateStatusSchema.safeParse(value);
  if (!parsed.success) return unrecognized(ctx, describeIssues(parsed.error), value);
  const v = parsed.data;
  return compact({
    kind: 'template-status' as const,
    wabaId: ctx.wabaId,
    templateId: v.message_template_id,
    name: v.message_template_name,
    language: v.message_template_language,
    event: v.event,
    reason: v.reason ?? undefined,
    category: v.message_template_category?.toLowerCase(),
    timestamp: time,
    raw: value,
  });
};

const parseTemplateCategory = (value: JsonObject, ctx: ChangeContext, time: number | undefined): WebhookEvent => {
  const parsed = templateCategorySchema.safeParse(value);
  if (!parsed.success) return unrecognized(ctx, describeIssues(parsed.error), value);
  const v = parsed.data;
  return compact({
    kind: 'template-category' as const,
    wabaId: ctx.wabaId,
    templateId: v.message_template_id,
    name: v.message_template_name,
    language: v.message_template_language,
    newCategory: v.new_category.toLowerCase(),
    previousCategory: v.previous_category?.toLowerCase(),
    timestamp: time,
    raw: value,
  });
};

const parseAccountUpdate = (value: JsonObject, ctx: ChangeContext, time: number | undefined): WebhookEvent => {
  const parsed = accountUpdateSchema.safeParse(value);
  if (!parsed.success) return unrecognized(ctx, describeIssues(parsed.error), value);
  return compact({
    kind: 'account-update' as const,
    wabaId: ctx.wabaId,
    event: parsed.data.event,
    timestamp: time,
    raw: value,
  });
};

type SingleEventParser = (value: JsonObject, ctx: ChangeContext, time: number | undefined) => WebhookEvent;

const SINGLE_EVENT_FIELDS: Record<string, SingleEventParser> = {
  message_template_status_update: parseTemplateStatus,
  template_category_update: parseTemplateCategory,
  account_update: parseAccountUpdate,
};

const parseChange = (change: unknown, wabaId: string, time: number | undefined, path: string, out: WebhookEvent[]) => {
  if (!isObject(change)) {
    out.push(unrecognized({ wabaId, path }, 'change is not an object', change));
    return;
  }
  const field = change.field;
  if (typeof field !== 'string' || field.length === 0) {
    out.push(unrecognized({ wabaId, path }, 'change has no field', change));
    return;
  }
  const ctx: ChangeContext = { wabaId, field, path: `${path}.value` };
  const value = change.value;
  const single = Object.hasOwn(SINGLE_EVENT_FIELDS, field) ? SINGLE_EVENT_FIELDS[field] : undefined;
  if (field !== 'messages' && !single) {
    out.push(unrecognized(ctx, `unhandled field ${field}`, value));
    return;
  }
  if (!isObject(value)) {
    out.push(unrecognized(ctx, 'change value is not an object', value));
    return;
  }
  if (single) {
    out.push(guarded(ctx, value, () => single(value, ctx, time)));
  } else {
    parseMessagesValue(value, ctx, out);
  }
};

const parseEntry = (entry: unknown, path: string, out: WebhookEvent[]): void => {
  if (!isObject(entry)) {
    out.push(unrecognized({ path }, 'entry is not an object', entry));
    return;
  }
  const id = idLike.safeParse(entry.id);
  if (!id.success) {
    out.push(unrecognized({ path }, 'entry has no WABA id', entry));
    return;
  }
  const wabaId = id.data;
  if (!Array.isArray(entry.changes)) {
    out.push(unrecognized({ wabaId, path }, 'entry.changes is not an array', entry));
    return;
  }
  const time = epochSeconds.safeParse(entry.time);
  const entryTime = time.success ? time.data : undefined;
  entry.changes.forEach((change, index) => {
    const changePath = `${path}.changes[${index}]`;
    try {
      parseChange(change, wabaId, entryTime, changePath, out);
    } catch (error) {
      out.push(unrecognized({ wabaId, path: changePath }, failureReason(error), change));
    }
  });
};

export const parseWebhook = (body: unknown): ParsedWebhook => {
  const object = isObject(body) && typeof body.object === 'string' ? body.object : undefined;
  const result: ParsedWebhook = object === undefined ? { events: [] } : { object, events: [] };
  if (!isObject(body) || !Array.isArray(body.entry)) {
    result.events.push(unrecognized({ path: '$' }, 'body is not an object with an entry array', body));
    return result;
  }
  body.entry.forEach((entry, index) => {
    const path = `entry[${index}]`;
    try {
      parseEntry(entry, path, result.events);
    } catch (error) {
      result.events.push(unrecognized({ path }, failureReason(error), entry));
    }
  });
  return result;
};
