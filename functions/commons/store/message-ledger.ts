import type { CountedUnit, DeliveryDecision, EffectChanges, MessageEffects } from '#domain/delivery';
import type { MessageState } from '#domain/message-state';
import type { EpochSeconds } from '#domain/time';
import type { InboundMessageEvent } from '#webhook/events';
import type { ContactRef } from './contact-store';

/** A business message as stored: its folded state and the effects the table holds because of it. */
export interface StoredMessage {
  state: MessageState;
  decision?: DeliveryDecision;
  /** what the aggregates and conversation items hold because of this message (stored as `held`) */
  appliedEffects: MessageEffects;
  version: number;
}

/** Outcome of an optimistic write; anything but `committed` means re-read and try again. */
export type CommitResult = 'committed' | 'message-changed' | 'conversation-taken' | 'contention';

export interface CommitInput {
  /** the version read; undefined when the message was not stored yet */
  previousVersion?: number;
  /** the message as it should be stored, its appliedEffects the target the changes lead to */
  message: StoredMessage;
  changes: EffectChanges;
  /** false when the conversation slot already holds a newer conversation: ours is history (ledger only) */
  writeConversationItem: boolean;
  retainUntil: EpochSeconds;
  /**
   * The clock of the read: a first write (no previousVersion) may then replace a record that
   * expired at this instant but DynamoDB has not deleted yet, as readMessage treated it as absent.
   */
  now?: EpochSeconds;
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
}
