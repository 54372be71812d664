import type {
  ConversationRecord,
  CountedUnit,
  DeliveryDecision,
  EffectChanges,
  MessageEffects,
} from '#domain/delivery';
import { deliveredAt, type MessageState } from '#domain/message-state';
import { MetaError } from '#domain/platform';
import type { WindowHistoryFact } from '#domain/window';
import { isObject } from '#commons/json';
import { isLive, type EpochSeconds } from '#domain/time';
import type { InboundMessageEvent } from '#webhook/events';
import type { ContactRef } from './contact-store';
import { contactPk } from './items/contact-partition';

/** A business message as stored: its folded state and the effects the table holds because of it. */
export interface StoredMessage {
  state: MessageState;
  decision?: DeliveryDecision;
  /** what the aggregates and conversation items hold because of this message (stored as `held`) */
  appliedEffects: MessageEffects;
  version: number;
}

/**
 * Outcome of an optimistic write; anything but `committed` means re-read and try again.
 * `conversation-counted`: the conversation's ledger entry names another message as its opener (Meta's
 * conversation id, counted already): this message joins it instead.
 */
export type CommitResult =
  'committed' | 'message-changed' | 'conversation-taken' | 'conversation-counted' | 'contention';

export interface CommitInput {
  /** the version read; undefined when the message was not stored yet */
  previousVersion?: number;
  /** the message as it should be stored, its appliedEffects the target the changes lead to */
  message: StoredMessage;
  changes: EffectChanges;
  /** false when the conversation slot already holds a newer conversation: ours is history (ledger only) */
  writeConversationItem: boolean;
  /** the withdrawn conversation (changes.withdrawn) still holds its slot: free it */
  withdrawSlot?: boolean;
  /**
   * The delivery joined the conversation its send expected without reading the contact's partition:
   * the transaction checks the slot still holds it and the window is at the revision the send saw.
   */
  checks?: { category: string; conversationId: string; windowRev?: number };
  /** openers of conversations ours supersedes (domain/conversation.ts supersedes): they join ours, in the same commit */
  superseded?: SupersededOpener[];
  retainUntil: EpochSeconds;
  /**
   * The clock of the read: a first write (no previousVersion) may then replace a record that
   * expired at this instant but DynamoDB has not deleted yet, as readMessage treated it as absent.
   */
  now?: EpochSeconds;
}

export interface SupersededOpener {
  /** the opener as it should be stored: joined to ours, without the conversation */
  message: StoredMessage;
  previousVersion: number;
  conversation: ConversationRecord;
  /** its slot is another category's than ours: delete it (if it still holds it); else ours takes it over */
  deleteSlot: boolean;
}

/** A status naming an inbound message's id: not ours to fold, so the event is parked, not retried. */
export class NotABusinessMessageError extends Error {
  override name = 'NotABusinessMessageError';
}

/**
 * The message ledger: every message (inbound and business), and the effects of business messages
 * on billing — conversation items, conversation ledger entries, counted-units records and aggregate
 * cells — written with the message in one transaction. The one writer of those six kinds.
 */
export interface MessageLedger {
  /** A user's message, once per id. */
  recordInbound(
    contact: ContactRef,
    message: InboundMessageEvent,
    retainUntil: EpochSeconds,
  ): Promise<'recorded' | 'duplicate'>;
  /**
   * A business message by Meta's id; throws NotABusinessMessageError for an inbound one. Given `now`,
   * a record expired at that instant is absent, as it will be once DynamoDB's TTL deletes it.
   */
  readMessage(wamid: string, now?: EpochSeconds): Promise<StoredMessage | undefined>;
  /** The unit kinds a delivery of this message counted, while its counted-units record lives at `now`. */
  readCountedUnits(wamid: string, now: EpochSeconds): Promise<CountedUnit[] | undefined>;
  /** The message and the changes to its effects, all or nothing, on the version read. */
  commitMessage(input: CommitInput): Promise<CommitResult>;
  /**
   * Contact `from` was merged into `into`: its messages (both directions) move to `into`'s history,
   * so the history route, a late user message and a late delivery find them under one contact. The
   * message records stay where they are; only their contact (and the index key) changes, outbound
   * ones on a new version. Answers how many moved.
   */
  moveHistory(phoneNumberId: string, from: string, into: string): Promise<number>;
  /**
   * One read of the contact's history index, both directions: the window's facts stamped in
   * `read.window` (for a delivery whose decision the partition cannot take alone, DynamoDB's TTL
   * having taken its window), and the business messages delivered in `read.deliveries` (what a late
   * user message, a withdrawn conversation or a conversation item gone may change).
   */
  readHistory(contact: { phoneNumberId: string; contactId: string }, read: HistoryRead): Promise<ContactHistory>;
}

export interface HistoryRead {
  /** the user messages, referrals and refusals stamped in [from, to] */
  window?: { from: EpochSeconds; to: EpochSeconds };
  /** the business messages delivered in [from, to), read with their sends up to DELIVERY_LAG_SECONDS before */
  deliveries?: { from: EpochSeconds; to: EpochSeconds };
}

export interface ContactHistory {
  windowFacts: WindowHistoryFact[];
  deliveries: RecentDelivery[];
}

/** The stamps (message time) a HistoryRead covers in the index: one range for both parts. */
export const historyRange = ({ window, deliveries }: HistoryRead): { from: EpochSeconds; to: EpochSeconds } => {
  const ranges = [
    ...(window ? [window] : []),
    ...(deliveries ? [{ from: deliveries.from - DELIVERY_LAG_SECONDS, to: deliveries.to }] : []),
  ];
  return {
    from: Math.max(0, Math.min(...ranges.map((range) => range.from))),
    to: Math.max(...ranges.map((range) => range.to)),
  };
};

/** Whether an inbound message's raw copy (projected into the index) carries Meta's referral object. */
const cameWithReferral = (raw: unknown): boolean => {
  if (typeof raw !== 'string' || !raw.includes('"referral"')) return false;
  try {
    return isObject((JSON.parse(raw) as { referral?: unknown }).referral);
  } catch {
    return false; // a raw copy cut at its size limit: no referral read back
  }
};

/**
 * What a history item (the index's projection) says of the window in [from, to]: a user message
 * (and its referral), or Meta's 131047 refusal of a business message (at its failed status).
 */
export const windowFactsOf = (
  item: Record<string, unknown>,
  from: EpochSeconds,
  to: EpochSeconds,
): WindowHistoryFact[] => {
  const within = (at: unknown): at is EpochSeconds => typeof at === 'number' && at >= from && at <= to;
  if (item.direction === 'inbound') {
    if (!within(item.timestamp)) return [];
    const at = item.timestamp;
    return [{ kind: 'inbound', at }, ...(cameWithReferral(item.raw) ? [{ kind: 'referral' as const, at }] : [])];
  }
  const state = item.state as Partial<MessageState> | undefined;
  const failedAt = state?.statusAt?.failed;
  const refused = state?.errorCodes?.includes(MetaError.outsideWindow) === true && within(failedAt);
  return refused ? [{ kind: 'refused', at: failedAt }] : [];
};

/** A HistoryRead answered from the items of its range, in the index's order (both adapters). */
export const contactHistoryOf = (
  items: readonly Record<string, unknown>[],
  { window, deliveries }: HistoryRead,
): ContactHistory => ({
  windowFacts: window ? items.flatMap((item) => windowFactsOf(item, window.from, window.to)) : [],
  deliveries: deliveries ? items.flatMap((item) => recentDeliveryOf(item, deliveries.from, deliveries.to) ?? []) : [],
});

export interface RecentDelivery {
  wamid: string;
  decision?: DeliveryDecision;
  /** the conversation the message opened and holds (its record's `held`), if any */
  conversation?: ConversationRecord;
}

/**
 * How long before its delivery a message may have been sent (the phone was off) and still be found
 * again: a week, Meta's webhook retry horizon. An older send delivered late keeps its decision.
 */
export const DELIVERY_LAG_SECONDS = 7 * 24 * 3600;

/** A history item (the index's projection) that is a business message delivered in [from, to), as a RecentDelivery. */
export const recentDeliveryOf = (
  item: Record<string, unknown>,
  from: EpochSeconds,
  to: EpochSeconds,
): RecentDelivery | undefined => {
  if (item.direction !== 'outbound') return undefined;
  const state = item.state as StoredMessage['state'] | undefined;
  const at = state ? deliveredAt(state) : undefined;
  if (!state || at === undefined || at < from || at >= to) return undefined;
  const decision = item.decision as DeliveryDecision | undefined;
  const conversation = (item.held as MessageEffects | undefined)?.conversation;
  return { wamid: state.id, ...(decision ? { decision } : {}), ...(conversation ? { conversation } : {}) };
};

/** A message item re-pointed at another contact of the same user (moveHistory): the attributes it ends with. */
export const movedMessage = (
  item: Record<string, unknown>,
  phoneNumberId: string,
  into: string,
): Record<string, unknown> => {
  const state = item.state as StoredMessage['state'] | undefined;
  return {
    historyPk: contactPk(phoneNumberId, into),
    contactId: into,
    ...(item.direction === 'outbound' && state
      ? { state: { ...state, contactId: into }, version: Number(item.version ?? 0) + 1 }
      : {}),
  };
};

/**
 * A message item as readMessage answers it, from either adapter's read: undefined when absent or (given
 * `now`) expired and not yet deleted; NotABusinessMessageError for a user's message.
 */
export const storedMessageOf = (
  item: Record<string, unknown> | undefined,
  now?: EpochSeconds,
): StoredMessage | undefined => {
  if (!item) return undefined;
  if (item.direction === 'inbound') {
    throw new NotABusinessMessageError('a status names the id of an inbound message; parked for inspection');
  }
  if (now !== undefined && !isLive(item.expiresAt as number | undefined, now)) return undefined;
  return {
    state: item.state as StoredMessage['state'],
    ...(item.decision ? { decision: item.decision as StoredMessage['decision'] } : {}),
    appliedEffects: (item.held ?? {}) as StoredMessage['appliedEffects'],
    version: Number(item.version ?? 0),
  };
};
