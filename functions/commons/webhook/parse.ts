/**
 * Turns one Meta webhook POST body into normalized events (see ./events). Total by design: whatever the
 * body holds, every item comes out either as a modelled event or as an `unrecognized` one with its path,
 * so one odd item never costs the rest of the batch, and the POST can always be acknowledged.
 *
 * Required fields are strict (they decide whether an item is usable); descriptive optional fields read as
 * absent when mistyped, because the item itself is still good and `raw` keeps the original.
 */
import type { InferOutput } from 'valibot';
import { isObject, type JsonObject } from '#commons/json';
import { compact, ContactIndex, hasUserId, mergeIdentity } from './contacts';
import type { InboundMessageEvent, MetaError, Origin, ParsedWebhook, StatusEvent, WebhookEvent } from './events';
import { HEALTH_FIELDS } from './health-fields';
import {
  messageEchoItem,
  messageItem,
  metaErrorItem,
  statusItem,
  templateCategoryItem,
  templateStatusItem,
} from './items';
import {
  failureReason,
  guarded,
  itemField,
  MISSING_ORIGIN,
  readMetadata,
  templateRef,
  unrecognized,
  type ChangeContext,
  type SingleEventParser,
} from './parse-context';
import { USER_FIELDS } from './user-fields';
import { epochSeconds, idLike, outputOf, readItem } from './validate';

/** Meta's snake_case for categories; the status reference spells `authentication-international`. */
const normalizeCategory = (category: string | undefined): string | undefined =>
  category === undefined ? undefined : category.trim().toLowerCase().replace(/-/g, '_');

const toMetaError = (error: InferOutput<typeof metaErrorItem>): MetaError =>
  compact({ code: error.code, title: error.title, message: error.message, details: error.error_data?.details });

const toMetaErrors = (errors: ReadonlyArray<InferOutput<typeof metaErrorItem> | undefined> | undefined): MetaError[] =>
  (errors ?? []).flatMap((error) => (error === undefined ? [] : [toMetaError(error)]));

/** Meta's snake_case names of a message's reply, referral and system parts, and ours (events.ts). */
const CONTEXT_NAMES = {
  from: 'from',
  id: 'id',
  forwarded: 'forwarded',
  frequently_forwarded: 'frequentlyForwarded',
} as const;
const REFERRAL_NAMES = {
  source_id: 'sourceId',
  source_type: 'sourceType',
  source_url: 'sourceUrl',
  ctwa_clid: 'ctwaClid',
} as const;
const SYSTEM_NAMES = {
  type: 'type',
  wa_id: 'waId',
  user_id: 'userId',
  parent_user_id: 'parentUserId',
  previous_user_id: 'previousUserId',
  new_wa_id: 'newWaId',
  body: 'body',
} as const;

type Renamed<T, N extends Record<string, string>> = {
  [K in keyof N as N[K]]?: K extends keyof T ? Exclude<T[K], undefined> : never;
};

/** The fields of `part` under our names, those Meta left out (or mistyped) left out too. */
const renamed = <T extends object, N extends Partial<Record<keyof T, string>> & Record<string, string>>(
  part: T,
  names: N,
): Renamed<T, N> =>
  compact(
    Object.fromEntries(Object.entries(names).map(([meta, ours]) => [ours, (part as Record<string, unknown>)[meta]])),
  ) as Renamed<T, N>;

/** One item of a messages change's list (messages, statuses, message_echoes), with what the change says around it. */
type ListItemParser = (
  raw: unknown,
  origin: Origin | undefined,
  contacts: ContactIndex,
  singleItem: boolean,
  ctx: ChangeContext,
) => WebhookEvent;

/** An item is usable with its business number and its required fields; else it is parked, saying why. */
const usable = <T>(
  schema: Parameters<typeof readItem<T>>[0],
  raw: unknown,
  origin: Origin | undefined,
  ctx: ChangeContext,
): { origin: Origin; item: T } | { refused: WebhookEvent } => {
  if (!origin) return { refused: unrecognized(ctx, MISSING_ORIGIN, raw) };
  const read = readItem(schema, raw);
  return 'reason' in read ? { refused: unrecognized(ctx, read.reason, raw) } : { origin, item: read.value };
};

const parseMessage: ListItemParser = (raw, maybeOrigin, contacts, singleItem, ctx) => {
  const read = usable(messageItem, raw, maybeOrigin, ctx);
  if ('refused' in read) return read.refused;
  const { item, origin } = read;
  // Missing type reads as Meta's legacy `unknown`: the message still opens the service window.
  const type = item.type ?? 'unknown';
  const contact = contacts.find(item.from_user_id, item.from, singleItem);
  const user = mergeIdentity(
    compact({ waId: item.from, userId: item.from_user_id, parentUserId: item.from_parent_user_id }),
    contact,
  );
  // Identity-change system messages may come without a sender; their ids are in `system`.
  if (!hasUserId(user) && type !== 'system') {
    return unrecognized(ctx, 'message has no sender: neither from nor from_user_id', raw);
  }
  const event: InboundMessageEvent = {
    kind: 'inbound-message',
    origin,
    user,
    id: item.id,
    timestamp: item.timestamp,
    type,
    errors: toMetaErrors(item.errors),
    raw: raw as JsonObject,
  };
  if (item.group_id !== undefined) event.groupId = item.group_id;
  if (item.context) event.context = renamed(item.context, CONTEXT_NAMES);
  if (item.referral) event.referral = renamed(item.referral, REFERRAL_NAMES);
  if (item.system) event.system = renamed(item.system, SYSTEM_NAMES);
  return event;
};

const parseStatus: ListItemParser = (raw, maybeOrigin, contacts, singleItem, ctx) => {
  const read = usable(statusItem, raw, maybeOrigin, ctx);
  if ('refused' in read) return read.refused;
  const { item, origin } = read;

  // For a group, recipient_id is the group; the person is recipient_participant_id.
  const groupId = item.recipient_type === 'group' ? item.recipient_id : undefined;
  const waId = groupId === undefined ? item.recipient_id : item.recipient_participant_id;
  const contact = contacts.find(item.recipient_user_id, waId, singleItem);
  const user = mergeIdentity(
    compact({ waId, userId: item.recipient_user_id, parentUserId: item.parent_recipient_user_id }),
    contact,
  );
  if (!hasUserId(user) && groupId === undefined) {
    return unrecognized(ctx, 'status has no recipient: neither recipient_id nor recipient_user_id', raw);
  }
  const event: StatusEvent = {
    kind: 'status',
    origin,
    messageId: item.id,
    status: item.status,
    timestamp: item.timestamp,
    user,
    errors: toMetaErrors(item.errors),
    raw: raw as JsonObject,
  };
  if (groupId !== undefined) event.groupId = groupId;
  const { conversation, pricing } = item;
  if (conversation) {
    event.conversation = compact({
      id: conversation.id,
      category: normalizeCategory(conversation.origin?.type),
      expiresAt: conversation.expiration_timestamp,
    });
  }
  if (pricing) {
    event.pricing = compact({
      model: pricing.pricing_model,
      type: pricing.type,
      category: normalizeCategory(pricing.category),
      billable: pricing.billable,
    });
  }
  if (item.biz_opaque_callback_data !== undefined) event.bizOpaqueCallbackData = item.biz_opaque_callback_data;
  return event;
};

/** A message the business sent from the WhatsApp Business app: outbound, to the user in `to`. */
const parseEcho: ListItemParser = (raw, maybeOrigin, contacts, singleItem, ctx) => {
  const read = usable(messageEchoItem, raw, maybeOrigin, ctx);
  if ('refused' in read) return read.refused;
  const { item, origin } = read;
  // Meta writes `to` as the number was entered ("+16505551234"); a wa_id is its digits.
  const waId = item.to?.replace(/^\+/, '');
  const user = mergeIdentity(
    compact({ waId, userId: item.to_user_id }),
    contacts.find(item.to_user_id, waId, singleItem),
  );
  if (!hasUserId(user)) return unrecognized(ctx, 'echo has no recipient: neither to nor to_user_id', raw);
  const { id, timestamp } = item;
  return { kind: 'message-echo', origin, user, id, timestamp, type: item.type ?? 'unknown', raw: raw as JsonObject };
};

const parseValueError = (raw: unknown, origin: Partial<Origin>, ctx: ChangeContext): WebhookEvent => {
  const read = readItem(metaErrorItem, raw);
  if ('reason' in read) return unrecognized(ctx, read.reason, raw);
  return {
    kind: 'value-error',
    origin: compact({ ...origin, wabaId: ctx.wabaId }),
    error: toMetaError(read.value),
    raw: raw as JsonObject,
  };
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
  eachItem('message_echoes', (item, itemCtx, single) => parseEcho(item, origin, contacts, single, itemCtx));
  eachItem('errors', (item, itemCtx) => parseValueError(item, metadata ?? {}, itemCtx));

  if (known === 0) {
    // e.g. a `calls` payload delivered under field `messages`; park it rather than drop it silently
    out.push(unrecognized(ctx, 'messages change without messages, statuses, echoes or errors', value));
  }
};

const parseTemplateStatus = itemField(templateStatusItem, (item, ctx, time, value) => ({
  kind: 'template-status',
  ...templateRef(item, ctx, time, value),
  event: item.event,
  ...compact({ reason: item.reason, category: item.message_template_category?.toLowerCase() }),
}));

const parseTemplateCategory = itemField(templateCategoryItem, (item, ctx, time, value) => ({
  kind: 'template-category',
  ...templateRef(item, ctx, time, value),
  newCategory: item.new_category.toLowerCase(),
  ...compact({ previousCategory: item.previous_category?.toLowerCase() }),
}));

const SINGLE_EVENT_FIELDS: Record<string, SingleEventParser> = {
  message_template_status_update: parseTemplateStatus,
  template_category_update: parseTemplateCategory,
  ...HEALTH_FIELDS,
};

/** Fields whose value is shaped like `messages` (metadata, contacts, lists): Meta's echoes of app messages. */
const MESSAGE_LIKE_FIELDS = new Set(['messages', 'smb_message_echoes', 'message_echoes']);

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
  const userField = Object.hasOwn(USER_FIELDS, field) ? USER_FIELDS[field] : undefined;
  if (!MESSAGE_LIKE_FIELDS.has(field) && !single && !userField) {
    out.push(unrecognized(ctx, `unhandled field ${field}`, value));
    return;
  }
  if (!isObject(value)) {
    out.push(unrecognized(ctx, 'change value is not an object', value));
    return;
  }
  if (single) {
    out.push(guarded(ctx, value, () => single(value, ctx, time)));
  } else if (userField) {
    userField(value, ctx, out);
  } else {
    parseMessagesValue(value, ctx, out);
  }
};

const parseEntry = (entry: unknown, path: string, out: WebhookEvent[]): void => {
  if (!isObject(entry)) {
    out.push(unrecognized({ path }, 'entry is not an object', entry));
    return;
  }
  const wabaId = outputOf(idLike, entry.id);
  if (wabaId === undefined) {
    out.push(unrecognized({ path }, 'entry has no WABA id', entry));
    return;
  }
  if (!Array.isArray(entry.changes)) {
    out.push(unrecognized({ wabaId, path }, 'entry.changes is not an array', entry));
    return;
  }
  const entryTime = outputOf(epochSeconds, entry.time);
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
