import type { UserIds } from './identity';
import { isLive, toIso, type EpochSeconds } from './time';
import { windowOpenAt } from './window';

/** The customer service window of one (business number, user) pair as stored. */
export interface WindowState {
  /** timestamp of the user's latest message: the window runs 24 h from it */
  lastInboundAt: EpochSeconds;
  expiresAt: EpochSeconds;
  /** set when Meta refused a free-form send (131047): the window is closed from then until the user writes again */
  closedAt?: EpochSeconds;
}

/** An open billing conversation (the 24-hour session that starts when a business message is delivered). */
export interface ConversationState {
  id: string;
  category: string;
  origin: string;
  openedAt: EpochSeconds;
  expiresAt: EpochSeconds;
}

export interface SessionView {
  userId: string | null;
  waId: string | null;
  phoneNumberId: string;
  window: { open: boolean; expiresAt: string | null };
  conversations: { id: string; category: string; origin: string; openedAt: string; expiresAt: string }[];
}

export const isWindowOpen = (window: WindowState | undefined, now: EpochSeconds): boolean =>
  window !== undefined && isLive(window.expiresAt, now) && windowOpenAt(window, now);

/** What the session route answers: only what is open at `now`, whatever DynamoDB has not yet deleted. */
export const toSessionView = (input: {
  phoneNumberId: string;
  ids: UserIds;
  window?: WindowState;
  conversations: ConversationState[];
  now: EpochSeconds;
}): SessionView => {
  const { window, now } = input;
  const open = isWindowOpen(window, now);
  return {
    userId: input.ids.userId ?? null,
    waId: input.ids.waId ?? null,
    phoneNumberId: input.phoneNumberId,
    window: { open, expiresAt: open && window ? toIso(window.expiresAt) : null },
    conversations: input.conversations
      .filter((c) => isLive(c.expiresAt, now))
      .sort((a, b) => a.openedAt - b.openedAt)
      .map((c) => ({
        id: c.id,
        category: c.category,
        origin: c.origin,
        openedAt: toIso(c.openedAt),
        expiresAt: toIso(c.expiresAt),
      })),
  };
};
