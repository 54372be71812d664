import { NO_CONSENT_RECORD, type ConsentState } from './consent';
import type { ConversationState } from './conversation';
import type { UserIds } from './identity';
import { isLive, toIso, type EpochSeconds } from './time';
import { isWindowOpen, type WindowState } from './window';

export interface SessionView {
  userId: string | null;
  waId: string | null;
  phoneNumberId: string;
  window: { open: boolean; expiresAt: string | null };
  conversations: { id: string; category: string; origin: string; openedAt: string; expiresAt: string }[];
  /** marketing consent: opted out by the user, and Meta's per-user marketing limit while it holds */
  consent: {
    marketing: 'subscribed' | 'opted-out';
    changedAt: string | null;
    source: string | null;
    marketingLimitedUntil: string | null;
  };
}

/** What the session route answers: only what is open at `now`, whatever DynamoDB has not yet deleted. */
export const toSessionView = (input: {
  phoneNumberId: string;
  ids: UserIds;
  window?: WindowState;
  conversations: ConversationState[];
  consent?: ConsentState;
  now: EpochSeconds;
  /** seconds a user message may be stamped ahead of our clock (default DEFAULT_INBOUND_SKEW_SECONDS) */
  skew?: number;
}): SessionView => {
  const { window, now } = input;
  const consent = input.consent ?? NO_CONSENT_RECORD;
  const open = isWindowOpen(window, now, input.skew);
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
    consent: {
      marketing: consent.marketing,
      changedAt: consent.changedAt === undefined ? null : toIso(consent.changedAt),
      source: consent.source ?? null,
      marketingLimitedUntil:
        consent.limitedUntil !== undefined && now < consent.limitedUntil ? toIso(consent.limitedUntil) : null,
    },
  };
};
