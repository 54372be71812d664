import { WINDOW_SECONDS } from './platform';
import type { EpochSeconds } from './time';

/** The customer service window lasts 24 hours from the user's latest message or call (its own timestamp). */
export { WINDOW_SECONDS };

/**
 * Inbound timestamps are Meta's clock; "now" is ours. A message stamped up to this many seconds
 * ahead of our clock counts as sent now (INBOUND_CLOCK_SKEW_SECONDS overrides it), so a reply right
 * after it is not refused while our clock lags Meta's.
 */
export const DEFAULT_INBOUND_SKEW_SECONDS = 60;

/**
 * How many of the user's latest message instants the window keeps: enough to say whether the window
 * was open at the time of a delivery that is processed after newer user messages (a backlog, a
 * retry), at a fixed item size.
 */
export const RECENT_INBOUND = 8;

/** The customer service window of one (business number, user) pair as stored. */
export interface WindowState {
  /** timestamp of the user's latest message: the window runs 24 h from it */
  lastInboundAt: EpochSeconds;
  expiresAt: EpochSeconds;
  /** set when Meta refused a free-form send (131047): the window is closed from then until the user writes again */
  closedAt?: EpochSeconds;
  /** the user's latest message instants, in any order (at most a few; see recentInbound) */
  inboundAt?: EpochSeconds[];
  /** the latest user message that came from a click-to-WhatsApp ad or a call-to-action (its `referral`) */
  referralAt?: EpochSeconds;
}

/**
 * A user's call opens the window as a message does: Meta says the customer service window starts when
 * a user "messages you or calls you" (https://developers.facebook.com/docs/whatsapp/pricing). Only the
 * `connect` of a call the user placed counts; a business-initiated call, or a call's later events, do not.
 */
export const callOpensWindow = (call: { event?: string; direction?: string }): boolean =>
  call.event === 'connect' && call.direction === 'USER_INITIATED';

export const windowExpiry = (lastInboundAt: EpochSeconds): EpochSeconds => lastInboundAt + WINDOW_SECONDS;

/** Whether an inbound message at `timestamp` moves the window: only a newer message does, never a late older one. */
export const extendsWindow = (currentLastInboundAt: EpochSeconds | undefined, timestamp: EpochSeconds): boolean =>
  currentLastInboundAt === undefined || timestamp > currentLastInboundAt;

/** Whether a refusal at `at` closes the window: only a refusal later than the last one does. */
export const closesWindow = (currentClosedAt: EpochSeconds | undefined, at: EpochSeconds): boolean =>
  currentClosedAt === undefined || currentClosedAt < at;

/** The instants kept: the newest RECENT_INBOUND, once each, oldest first. The same set in any order of arrival. */
export const recentInbound = (instants: readonly EpochSeconds[]): EpochSeconds[] =>
  [...new Set(instants)].sort((a, b) => a - b).slice(-RECENT_INBOUND);

type WindowFacts = Pick<WindowState, 'lastInboundAt' | 'closedAt' | 'inboundAt'>;

/** The user's latest message at or before `at` that the window knows of. */
export const latestInboundAt = (window: WindowFacts | undefined, at: EpochSeconds): EpochSeconds | undefined => {
  if (window === undefined) return undefined;
  let latest: EpochSeconds | undefined;
  for (const instant of [window.lastInboundAt, ...(window.inboundAt ?? [])]) {
    if (instant <= at && (latest === undefined || instant > latest)) latest = instant;
  }
  return latest;
};

/**
 * Was the window open at `at`? Judged from the user's latest message at or before `at` (not the newest
 * one), so a delivery processed after newer user messages is classified at its own time. A message
 * stamped up to `skew` seconds after `at` counts as sent at `at` (our clock against Meta's; 0 for two
 * of Meta's timestamps). A 131047 refusal closes it from then until the user writes again.
 */
export const windowOpenAt = (window: WindowFacts | undefined, at: EpochSeconds, skew = 0): boolean => {
  const from = latestInboundAt(window, at + skew);
  if (from === undefined || at >= windowExpiry(from)) return false;
  const closedAt = window?.closedAt;
  return !(closedAt !== undefined && closedAt >= from && closedAt <= at);
};

/** Is the window open now (our clock, with the skew allowed for Meta's), whatever DynamoDB has not yet deleted? */
export const isWindowOpen = (
  window: WindowState | undefined,
  now: EpochSeconds,
  skew = DEFAULT_INBOUND_SKEW_SECONDS,
): boolean => windowOpenAt(window, now, skew);

/** The window after a user message at `at` (a late older one too: it joins the instants, never moves the window back). */
export const withInboundMessage = (
  window: WindowState | undefined,
  at: EpochSeconds,
  referral = false,
): WindowState => {
  const last = window === undefined || at > window.lastInboundAt ? at : window.lastInboundAt;
  const referralAt = referral && (window?.referralAt === undefined || at > window.referralAt) ? at : window?.referralAt;
  return {
    lastInboundAt: last,
    expiresAt: windowExpiry(last),
    ...(window?.closedAt !== undefined ? { closedAt: window.closedAt } : {}),
    inboundAt: recentInbound([...instantsOf(window), at]),
    ...(referralAt !== undefined ? { referralAt } : {}),
  };
};

const instantsOf = (window: WindowState | undefined): EpochSeconds[] =>
  window === undefined ? [] : [window.lastInboundAt, ...(window.inboundAt ?? [])];

const later = (a: EpochSeconds | undefined, b: EpochSeconds | undefined): EpochSeconds | undefined =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/** Two contacts of one user become one: every instant of both, the later refusal and referral. Commutative. */
export const mergeWindows = (a: WindowState | undefined, b: WindowState | undefined): WindowState | undefined => {
  if (a === undefined || b === undefined) return a ?? b;
  const last = Math.max(a.lastInboundAt, b.lastInboundAt);
  const closedAt = later(a.closedAt, b.closedAt);
  const referralAt = later(a.referralAt, b.referralAt);
  return {
    lastInboundAt: last,
    expiresAt: windowExpiry(last),
    ...(closedAt !== undefined ? { closedAt } : {}),
    inboundAt: recentInbound([...instantsOf(a), ...instantsOf(b)]),
    ...(referralAt !== undefined ? { referralAt } : {}),
  };
};

/**
 * Whether a user message at `at`, recorded now, may put deliveries already judged outside the window
 * inside it: unless the window was open already from `at` until the message's own 24 h (or now, if
 * sooner) with no refusal in between, a delivery at or after `at` may have been judged before this
 * message was known (a late webhook). Only then are recent deliveries judged again.
 */
export const mayOpenPastDeliveries = (
  before: WindowState | undefined,
  at: EpochSeconds,
  now: EpochSeconds,
): boolean => {
  const end = Math.min(windowExpiry(at) - 1, now);
  if (end < at) return false;
  // The window can only change state at a user message or a refusal: check just before each, and both ends.
  const points = [
    at,
    end,
    ...instantsOf(before).map((i) => i - 1),
    ...(before?.closedAt !== undefined ? [before.closedAt] : []),
  ];
  return !points.filter((p) => p >= at && p <= end).every((p) => windowOpenAt(before, p));
};

/**
 * What a message history keeps of a window after DynamoDB's TTL deleted its item: each user message,
 * each one that came from an ad or a call-to-action (its referral), and each 131047 refusal of a
 * free-form send (Meta: the window had closed).
 */
export interface WindowHistoryFact {
  kind: 'inbound' | 'referral' | 'refused';
  at: EpochSeconds;
}

/** The facts a window item holds (its instants, its latest referral and refusal), beside the history's. */
export const factsOfWindow = (window: WindowState | undefined): WindowHistoryFact[] =>
  window === undefined
    ? []
    : [
        ...instantsOf(window).map((at) => ({ kind: 'inbound' as const, at })),
        ...(window.referralAt !== undefined ? [{ kind: 'referral' as const, at: window.referralAt }] : []),
        ...(window.closedAt !== undefined ? [{ kind: 'refused' as const, at: window.closedAt }] : []),
      ];

/**
 * The window as it stood at `at`, from facts in any order: the user's messages up to `at`, and the
 * latest referral and refusal up to `at` (a later one cannot change a judgement at `at`, and the
 * window item keeps only the latest of each, which may hide an earlier one). Undefined without a
 * user message up to `at`.
 */
export const windowFromHistory = (facts: readonly WindowHistoryFact[], at: EpochSeconds): WindowState | undefined => {
  const known = facts.filter((fact) => fact.at <= at);
  const latest = (kind: WindowHistoryFact['kind']) =>
    known.filter((fact) => fact.kind === kind).reduce<EpochSeconds | undefined>((a, f) => later(a, f.at), undefined);
  const instants = known.filter((fact) => fact.kind === 'inbound').map((fact) => fact.at);
  const window = instants.reduce<WindowState | undefined>((w, instant) => withInboundMessage(w, instant), undefined);
  if (window === undefined) return undefined;
  const closedAt = latest('refused');
  const referralAt = latest('referral');
  return {
    ...window,
    ...(closedAt !== undefined ? { closedAt } : {}),
    ...(referralAt !== undefined ? { referralAt } : {}),
  };
};
