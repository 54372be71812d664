/**
 * The users Meta knows for the sandbox: when each last wrote to each business number (the customer
 * service window) and the conversations open with them. A user may be known by phone number, by
 * business-scoped user id, or both; the two are one record once they have been seen together.
 */
import type { UserIds } from '#domain/identity';
import { CONVERSATION_SECONDS } from '#domain/platform';
import { isLive, type EpochSeconds } from '#domain/time';
import { windowOpenAt } from '#domain/window';

export interface UserRecord {
  waId?: string;
  userId?: string;
  /** per business number: epoch seconds of the user's last message */
  lastInbound: Map<string, EpochSeconds>;
  /** per business number and category */
  conversations: Map<string, { id: string; expiresAt: EpochSeconds }>;
}

export class Users {
  /** by `wa:<wa_id>` and `user:<user id>`: one record for a user known both ways */
  private readonly byId = new Map<string, UserRecord>();

  /** The one record of a user, created on first sight, merging what was known by each id apart. */
  find(ids: UserIds): UserRecord {
    const byWa = ids.waId === undefined ? undefined : this.byId.get(`wa:${ids.waId}`);
    const byUser = ids.userId === undefined ? undefined : this.byId.get(`user:${ids.userId}`);
    const user: UserRecord = byWa ?? byUser ?? { lastInbound: new Map(), conversations: new Map() };
    if (byWa && byUser && byWa !== byUser) {
      for (const [number, at] of byUser.lastInbound) {
        user.lastInbound.set(number, Math.max(at, user.lastInbound.get(number) ?? 0));
      }
      for (const [key, conversation] of byUser.conversations) {
        if (!user.conversations.has(key)) user.conversations.set(key, conversation);
      }
      if (byUser.waId !== undefined && user.waId === undefined) user.waId = byUser.waId;
    }
    if (ids.waId !== undefined) user.waId = ids.waId;
    if (ids.userId !== undefined) user.userId = ids.userId;
    if (user.waId !== undefined) this.byId.set(`wa:${user.waId}`, user);
    if (user.userId !== undefined) this.byId.set(`user:${user.userId}`, user);
    return user;
  }

  /** Every user once (a user known both ways is one record): what the state file keeps (state-file.ts). */
  all(): UserRecord[] {
    return [...new Set(this.byId.values())];
  }
}

/** The user wrote to the business number at `at`; a late older message never moves the window back. */
export const noteInbound = (user: UserRecord, phoneNumberId: string, at: EpochSeconds): void => {
  user.lastInbound.set(phoneNumberId, Math.max(at, user.lastInbound.get(phoneNumberId) ?? 0));
};

/** Meta's 24-hour rule is ours (#domain/window): open from the user's last message for WINDOW_SECONDS. */
export const windowOpen = (user: UserRecord, phoneNumberId: string, at: EpochSeconds): boolean => {
  const last = user.lastInbound.get(phoneNumberId);
  return windowOpenAt(last === undefined ? undefined : { lastInboundAt: last }, at);
};

/**
 * The conversation Meta gives a (number, user, category): the same id while it is open, a new one
 * after. Opened at acceptance, where Meta opens it at delivery: the sandbox delivers within seconds of
 * accepting, and Meta's `sent` status already carries the conversation the message will open.
 */
export const conversationFor = (
  user: UserRecord,
  phoneNumberId: string,
  category: string,
  at: EpochSeconds,
  newId: () => string,
): { id: string; expiresAt: EpochSeconds } => {
  const key = `${phoneNumberId}|${category}`;
  const open = user.conversations.get(key);
  if (open && isLive(open.expiresAt, at)) return open;
  const fresh = { id: newId(), expiresAt: at + CONVERSATION_SECONDS };
  user.conversations.set(key, fresh);
  return fresh;
};
