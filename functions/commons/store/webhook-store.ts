import type { DeliveryDecision, EffectsPlan, MessageEffects } from '#domain/delivery';
import type { UserIds } from '#domain/identity';
import type { MessageState } from '#domain/message-state';
import type { EpochSeconds } from '#domain/time';
import type { InboundMessageEvent, TemplateCategoryEvent, TemplateStatusEvent } from '#webhook/events';

/** One (business number, user) pair, whichever of the user's ids a webhook carried. */
export interface ContactRef {
  phoneNumberId: string;
  contactId: string;
  ids: UserIds;
}

/** A business message as stored: its folded state and the effects the table holds because of it. */
export interface StoredMessage {
  state: MessageState;
  decision?: DeliveryDecision;
  held: MessageEffects;
  version: number;
}

/** Outcome of an optimistic write; anything but `committed` means re-read and try again. */
export type CommitResult = 'committed' | 'message-changed' | 'conversation-taken' | 'contention';

export interface CommitInput {
  /** the version read; undefined when the message was not stored yet */
  previousVersion?: number;
  message: StoredMessage;
  plan: EffectsPlan;
  /** false when the conversation slot already holds a newer conversation: ours is history (ledger only) */
  writeConversationItem: boolean;
  retainUntil: EpochSeconds;
}

export type { ContactState } from './contact-items';
import type { ContactState } from './contact-items';

export interface KeptRecord {
  kind: 'unrecognized' | 'account-update' | 'value-error';
  receivedAt: EpochSeconds;
  retainUntil: EpochSeconds;
  raw: unknown;
  attributes: Record<string, string | undefined>;
}

/** What webhook ingestion needs from storage; DynamoDbWebhookStore implements it on the single table. */
export interface WebhookStore {
  /** Finds the contact by any id of the user and links ids seen together, so one user is one contact. */
  resolveContact(phoneNumberId: string, ids: UserIds): Promise<ContactRef>;
  /** Points more ids (a changed number or user id) at an existing contact. */
  linkIds(contact: ContactRef, ids: UserIds): Promise<void>;
  /** Moves the window to timestamp + 24 h if the message is newer than the last one; false if not. */
  extendWindow(contact: ContactRef, timestamp: EpochSeconds): Promise<boolean>;
  recordInboundMessage(
    contact: ContactRef,
    message: InboundMessageEvent,
    retainUntil: EpochSeconds,
  ): Promise<'recorded' | 'duplicate'>;
  /** Meta refused a free-form send (131047) at `at`: the window is closed until the user writes again. */
  closeWindow(contact: ContactRef, at: EpochSeconds): Promise<void>;
  readMessage(wamid: string): Promise<StoredMessage | undefined>;
  readContactState(phoneNumberId: string, contactId: string): Promise<ContactState>;
  commitMessage(input: CommitInput): Promise<CommitResult>;
  applyTemplateStatus(event: TemplateStatusEvent): Promise<void>;
  applyTemplateCategory(event: TemplateCategoryEvent): Promise<void>;
  keepRecord(record: KeptRecord): Promise<void>;
}
