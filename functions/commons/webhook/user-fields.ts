import type { JsonObject } from '#commons/json';
import { callOpensWindow } from '#domain/window';
import { compact, ContactIndex, hasUserId, mergeIdentity } from './contacts';
import type { Origin, UserIdentity, WebhookEvent } from './events';
import { callItem, userPreferenceItem } from './items';
import { guarded, MISSING_ORIGIN, readMetadata, unrecognized, type ChangeContext } from './parse-context';
import { readItem } from './validate';

/**
 * The changes about one user of a business number besides `messages`: `calls`
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/calling/user-initiated-calls) and
 * `user_preferences` (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/user_preferences).
 * Each item of the change's list is read on its own (a bad one is parked, the rest stay).
 */
type ItemParser = (
  raw: unknown,
  origin: Origin,
  user: (ids: { waId?: string; userId?: string }) => UserIdentity,
  ctx: ChangeContext,
) => WebhookEvent;

const parseUserList = (
  value: JsonObject,
  ctx: ChangeContext,
  key: string,
  out: WebhookEvent[],
  parseItem: ItemParser,
) => {
  const metadata = readMetadata(value);
  const origin: Origin | undefined = metadata && { wabaId: ctx.wabaId, ...metadata };
  const contacts = new ContactIndex(value.contacts);
  const list = Array.isArray(value[key]) ? (value[key] as unknown[]) : [];
  if (list.length === 0) out.push(unrecognized(ctx, `${ctx.field} change without ${key}`, value));
  list.forEach((raw, index) => {
    const itemCtx = { ...ctx, path: `${ctx.path}.${key}[${index}]` };
    const user = (ids: { waId?: string; userId?: string }) =>
      mergeIdentity(compact(ids), contacts.find(ids.userId, ids.waId, list.length === 1));
    out.push(
      guarded(itemCtx, raw, () =>
        origin ? parseItem(raw, origin, user, itemCtx) : unrecognized(itemCtx, MISSING_ORIGIN, raw),
      ),
    );
  });
};

/** A user's call reads as an inbound `call` (it opens the window as a message does); other call events are parked. */
const parseCall: ItemParser = (raw, origin, userOf, ctx) => {
  const read = readItem(callItem, raw);
  if ('reason' in read) return unrecognized(ctx, read.reason, raw);
  const call = read.value;
  if (!callOpensWindow(call)) return unrecognized(ctx, `call event ${call.event ?? '?'} is kept, not modelled`, raw);
  const user = userOf({ waId: call.from, userId: call.from_user_id });
  if (!hasUserId(user)) return unrecognized(ctx, 'call has no caller: neither from nor from_user_id', raw);
  const { id, timestamp } = call;
  return { kind: 'inbound-message', origin, user, id, timestamp, type: 'call', errors: [], raw: raw as JsonObject };
};

const parsePreference: ItemParser = (raw, origin, userOf, ctx) => {
  const read = readItem(userPreferenceItem, raw);
  if ('reason' in read) return unrecognized(ctx, read.reason, raw);
  const { wa_id: waId, user_id: userId, category, value, timestamp } = read.value;
  const user = userOf({ waId, userId });
  if (!hasUserId(user)) return unrecognized(ctx, 'preference names no user: neither wa_id nor user_id', raw);
  return { kind: 'user-preference', origin, user, category, value, timestamp, raw: raw as JsonObject };
};

export const USER_FIELDS: Record<string, (value: JsonObject, ctx: ChangeContext, out: WebhookEvent[]) => void> = {
  calls: (value, ctx, out) => parseUserList(value, ctx, 'calls', out, parseCall),
  user_preferences: (value, ctx, out) => parseUserList(value, ctx, 'user_preferences', out, parsePreference),
};
