/**
 * Turns one Meta webhook POST body into normalized events (see ./events). Total by design: whatever the
 * body holds, every item comes out either as a modelled event or as an `unrecognized` one with its path,
 * so one odd item never costs the rest of the batch, and the POST can always be acknowledged.
 *
 * Required fields are strict (they decide whether an item is usable); descriptive optional fields read as
 * absent when mistyped, because the item itself is still good and `raw` keeps the original.
 */
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
import {
  Issues,
  MAX_REASON_LENGTH,
  check,
  epochSeconds,
  errorCode,
  expectedObject,
  idLike,
  isObject,
  nonEmptyString,
  oneOf,
  readArray,
  readBoolean,
  readLenient,
  readObject,
  readString,
  templateId,
  type JsonObject,
} from './validate';

/** Drops undefined members so events carry only what Meta sent (and compare cleanly). */
const compact = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** Meta's snake_case for categories; the status reference spells `authentication-international`. */
const normalizeCategory = (category: string | undefined): string | undefined =>
  category === undefined ? undefined : category.trim().toLowerCase().replace(/-/g, '_');

const DELIVERY_STATUSES = ['sent', 'delivered', 'read', 'played', 'failed'] as const satisfies DeliveryStatus[];
const deliveryStatus = oneOf(DELIVERY_STATUSES);

/** A Meta error object, or the reason it cannot be used. */
const readMetaError = (value: JsonObject): MetaError | string => {
  const issues = new Issues();
  const code = issues.required(value, 'code', errorCode);
  if (code === undefined) return issues.reason;
  const errorData = readObject(value, 'error_data');
  return compact({
    code,
    title: readString(value, 'title'),
    message: readString(value, 'message'),
    details: errorData && readString(errorData, 'details'),
  });
};

/** Item-level errors are decoration on a message or status: unreadable ones are skipped, `raw` keeps them. */
const toMetaErrors = (errors: unknown[] | undefined): MetaError[] => {
  if (!errors) return [];
  const result: MetaError[] = [];
  for (const candidate of errors) {
    if (!isObject(candidate)) continue;
    const error = readMetaError(candidate);
    if (typeof error !== 'string') result.push(error);
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

interface Contact {
  waId?: string;
  userId?: string;
  parentUserId?: string;
  profileName?: string;
  username?: string;
}

/** Every field of a contact is descriptive, so any object is a usable contact. */
const readContact = (value: JsonObject): Contact => {
  const profile = readObject(value, 'profile');
  return {
    waId: readLenient(value, 'wa_id', idLike),
    userId: readString(value, 'user_id'),
    parentUserId: readString(value, 'parent_user_id'),
    profileName: profile && readString(profile, 'name'),
    username: profile && readString(profile, 'username'),
  };
};

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
      if (!isObject(candidate)) continue;
      const contact = readContact(candidate);
      parsedCount += 1;
      last = contact;
      // first entry wins so a later duplicate id cannot re-attribute an item
      if (contact.userId && !this.byId.has(`u:${contact.userId}`)) this.byId.set(`u:${contact.userId}`, contact);
      if (contact.waId && !this.byId.has(`w:${contact.waId}`)) this.byId.set(`w:${contact.waId}`, contact);
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
    waId: own.waId ?? contact?.waId,
    userId: own.userId ?? contact?.userId,
    parentUserId: own.parentUserId ?? contact?.parentUserId,
    profileName: contact?.profileName,
    username: contact?.username,
  });

const hasUserId = (user: UserIdentity): boolean => user.waId !== undefined || user.userId !== undefined;

const MISSING_ORIGIN = 'value.metadata.phone_number_id is missing or invalid';

const parseMessage = (
  item: unknown,
  origin: Origin | undefined,
  contacts: ContactIndex,
  singleItem: boolean,
  ctx: ChangeContext,
): WebhookEvent => {
  if (!origin) return unrecognized(ctx, MISSING_ORIGIN, item);
  if (!isObject(item)) return unrecognized(ctx, expectedObject(item), item);
  const issues = new Issues();
  const id = issues.required(item, 'id', nonEmptyString);
  const timestamp = issues.required(item, 'timestamp', epochSeconds);
  const declaredType = issues.optional(item, 'type', nonEmptyString);
  const from = issues.optional(item, 'from', nonEmptyString);
  const fromUserId = issues.optional(item, 'from_user_id', nonEmptyString);
  if (id === undefined || timestamp === undefined || !issues.ok) return unrecognized(ctx, issues.reason, item);

  // Missing type reads as Meta's legacy `unknown`: the message still opens the service window.
  const type = declaredType ?? 'unknown';
  const contact = contacts.find(fromUserId, from, singleItem);
  const user = mergeIdentity(
    compact({ waId: from, userId: fromUserId, parentUserId: readString(item, 'from_parent_user_id') }),
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
    id,
    timestamp,
    type,
    errors: toMetaErrors(readArray(item, 'errors')),
    raw: item,
  };
  const groupId = readString(item, 'group_id');
  if (groupId !== undefined) event.groupId = groupId;
  const context = readObject(item, 'context');
  if (context) {
    event.context = compact({
      from: readString(context, 'from'),
      id: readString(context, 'id'),
      forwarded: readBoolean(context, 'forwarded'),
      frequentlyForwarded: readBoolean(context, 'frequently_forwarded'),
    });
  }
  const referral = readObject(item, 'referral');
  if (referral) {
    event.referral = compact({
      sourceId: readString(referral, 'source_id'),
      sourceType: readString(referral, 'source_type'),
      sourceUrl: readString(referral, 'source_url'),
      ctwaClid: readString(referral, 'ctwa_clid'),
    });
  }
  const system = readObject(item, 'system');
  if (system) {
    event.system = compact({
      type: readString(system, 'type'),
      waId: readLenient(system, 'wa_id', idLike),
      userId: readString(system, 'user_id'),
      parentUserId: readString(system, 'parent_user_id'),
      previousUserId: readString(system, 'previous_user_id'),
      newWaId: readLenient(system, 'new_wa_id', idLike),
      body: readString(system, 'body'),
    });
  }
  return event;
};

/** A conversation without a usable id is dropped whole: its other fields mean nothing on their own. */
const readConversation = (status: JsonObject): MetaConversation | undefined => {
  const conversation = readObject(status, 'conversation');
  const id = conversation && check(conversation.id, nonEmptyString);
  if (!conversation || id === undefined) return undefined;
  const origin = readObject(conversation, 'origin');
  return compact({
    id,
    category: normalizeCategory(origin && readString(origin, 'type')),
    expiresAt: readLenient(conversation, 'expiration_timestamp', epochSeconds),
  });
};

const readPricing = (status: JsonObject): MetaPricing | undefined => {
  const pricing = readObject(status, 'pricing');
  if (!pricing) return undefined;
  return compact({
    model: readString(pricing, 'pricing_model'),
    type: readString(pricing, 'type'),
    category: normalizeCategory(readString(pricing, 'category')),
    billable: readBoolean(pricing, 'billable'),
  });
};

const parseStatus = (
  item: unknown,
  origin: Origin | undefined,
  contacts: ContactIndex,
  singleItem: boolean,
  ctx: ChangeContext,
): WebhookEvent => {
  if (!origin) return unrecognized(ctx, MISSING_ORIGIN, item);
  if (!isObject(item)) return unrecognized(ctx, expectedObject(item), item);
  const issues = new Issues();
  const id = issues.required(item, 'id', nonEmptyString);
  const status = issues.required(item, 'status', deliveryStatus);
  const timestamp = issues.required(item, 'timestamp', epochSeconds);
  const recipientId = issues.optional(item, 'recipient_id', nonEmptyString);
  const recipientUserId = issues.optional(item, 'recipient_user_id', nonEmptyString);
  if (id === undefined || status === undefined || timestamp === undefined || !issues.ok) {
    return unrecognized(ctx, issues.reason, item);
  }

  // For a group, recipient_id is the group; the person is recipient_participant_id.
  const groupId = readString(item, 'recipient_type') === 'group' ? recipientId : undefined;
  const waId = groupId === undefined ? recipientId : readString(item, 'recipient_participant_id');
  const contact = contacts.find(recipientUserId, waId, singleItem);
  const user = mergeIdentity(
    compact({ waId, userId: recipientUserId, parentUserId: readString(item, 'parent_recipient_user_id') }),
    contact,
  );
  if (!hasUserId(user) && groupId === undefined) {
    return unrecognized(ctx, 'status has no recipient: neither recipient_id nor recipient_user_id', item);
  }
  const event: StatusEvent = {
    kind: 'status',
    origin,
    messageId: id,
    status,
    timestamp,
    user,
    errors: toMetaErrors(readArray(item, 'errors')),
    raw: item,
  };
  if (groupId !== undefined) event.groupId = groupId;
  const conversation = readConversation(item);
  if (conversation) event.conversation = conversation;
  const pricing = readPricing(item);
  if (pricing) event.pricing = pricing;
  const callbackData = readString(item, 'biz_opaque_callback_data');
  if (callbackData !== undefined) event.bizOpaqueCallbackData = callbackData;
  return event;
};

const parseValueError = (item: unknown, origin: Partial<Origin>, ctx: ChangeContext): WebhookEvent => {
  if (!isObject(item)) return unrecognized(ctx, expectedObject(item), item);
  const error = readMetaError(item);
  if (typeof error === 'string') return unrecognized(ctx, error, item);
  return { kind: 'value-error', origin: compact({ ...origin, wabaId: ctx.wabaId }), error, raw: item };
};

/** Runs one item's parser so that even an unforeseen exception costs only that item. */
const guarded = (ctx: ChangeContext, item: unknown, parseItem: () => WebhookEvent): WebhookEvent => {
  try {
    return parseItem();
  } catch (error) {
    return unrecognized(ctx, failureReason(error), item);
  }
};

/** The business number a messages change belongs to; without it, its messages and statuses are parked. */
const readMetadata = (value: JsonObject): Omit<Origin, 'wabaId'> | undefined => {
  const metadata = readObject(value, 'metadata');
  const phoneNumberId = metadata && check(metadata.phone_number_id, idLike);
  if (!metadata || phoneNumberId === undefined) return undefined;
  return compact({ phoneNumberId, displayPhoneNumber: readLenient(metadata, 'display_phone_number', idLike) });
};

const parseMessagesValue = (value: JsonObject, ctx: ChangeContext, out: WebhookEvent[]): void => {
  const metadata = readMetadata(value);
  const origin: Origin | undefined = metadata && { wabaId: ctx.wabaId, ...metadata };
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
  eachItem('errors', (item, itemCtx) => parseValueError(item, metadata ?? {}, itemCtx));

  if (known === 0) {
    // e.g. a `calls` payload delivered under field `messages`; park it rather than drop it silently
    out.push(unrecognized(ctx, 'messages change without messages, statuses or errors', value));
  }
};

/** The template fields both template webhooks require; `issues` collects what is wrong with them. */
const readTemplate = (value: JsonObject, issues: Issues) => ({
  templateId: issues.required(value, 'message_template_id', templateId),
  name: issues.required(value, 'message_template_name', nonEmptyString),
  language: issues.required(value, 'message_template_language', nonEmptyString),
});

const parseTemplateStatus = (value: JsonObject, ctx: ChangeContext, time: number | undefined): WebhookEvent => {
  const issues = new Issues();
  const event = issues.required(value, 'event', nonEmptyString);
  const { templateId: id, name, language } = readTemplate(value, issues);
  if (event === undefined || id === undefined || name === undefined || language === undefined) {
    return unrecognized(ctx, issues.reason, value);
  }
  return compact({
    kind: 'template-status' as const,
    wabaId: ctx.wabaId,
    templateId: id,
    name,
    language,
    event,
    // null when the template is scheduled for deletion
    reason: readString(value, 'reason'),
    category: readString(value, 'message_template_category')?.toLowerCase(),
    timestamp: time,
    raw: value,
  });
};

const parseTemplateCategory = (value: JsonObject, ctx: ChangeContext, time: number | undefined): WebhookEvent => {
  const issues = new Issues();
  const { templateId: id, name, language } = readTemplate(value, issues);
  const newCategory = issues.required(value, 'new_category', nonEmptyString);
  if (id === undefined || name === undefined || language === undefined || newCategory === undefined) {
    return unrecognized(ctx, issues.reason, value);
  }
  return compact({
    kind: 'template-category' as const,
    wabaId: ctx.wabaId,
    templateId: id,
    name,
    language,
    newCategory: newCategory.toLowerCase(),
    previousCategory: readString(value, 'previous_category')?.toLowerCase(),
    timestamp: time,
    raw: value,
  });
};

const parseAccountUpdate = (value: JsonObject, ctx: ChangeContext, time: number | undefined): WebhookEvent =>
  compact({
    kind: 'account-update' as const,
    wabaId: ctx.wabaId,
    event: readString(value, 'event'),
    timestamp: time,
    raw: value,
  });

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
  const wabaId = check(entry.id, idLike);
  if (wabaId === undefined) {
    out.push(unrecognized({ path }, 'entry has no WABA id', entry));
    return;
  }
  if (!Array.isArray(entry.changes)) {
    out.push(unrecognized({ wabaId, path }, 'entry.changes is not an array', entry));
    return;
  }
  const entryTime = check(entry.time, epochSeconds);
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
