import type { ConsentState } from '#domain/consent';
import type { ConversationState } from '#domain/conversation';
import type { UserIds } from '#domain/identity';
import { RETENTION_FLOOR_DAYS } from '#domain/platform';
import { systemClock, type Clock, type EpochSeconds } from '#domain/time';
import type { WindowState } from '#domain/window';

/** One (business number, user) pair, whichever of the user's ids a webhook or a send named. */
export interface ContactRef {
  phoneNumberId: string;
  contactId: string;
  ids: UserIds;
}

/** A contact's partition: its window and its conversation items (expired or not: the domain decides). */
export interface ContactState {
  window?: WindowState;
  conversations: ConversationState[];
  /** the contact was merged into this one: the state is that contact's, where the message's effects belong now */
  movedTo?: string;
  /** the window item's revision (items/window.ts), when there is one */
  windowRev?: number;
  /** marketing consent, when Meta ever said anything of it (#domain/consent) */
  consent?: ConsentState;
}

/** The window as a read found it, with its revision (none: no window item): where a window write may start. */
export interface WindowRead {
  window?: WindowState;
  rev?: number;
  /** the contact a merge moved this window into (items/window.ts SealedWindowItem) */
  mergedInto?: string;
}

/** A contact as resolving it found it; `windowRead` when the same read covered the contact's window. */
export interface ResolvedContact extends ContactRef {
  windowRead?: WindowRead;
}

/** The contact alone, without what resolving it read (so nothing else carries a stale read on). */
export const refOf = ({ phoneNumberId, contactId, ids }: ResolvedContact): ContactRef => ({
  phoneNumberId,
  contactId,
  ids,
});

/** What recording a user message did to the window. */
export interface InboundRecorded {
  /** the window moved to the message's timestamp + 24 h (a newer message) */
  moved: boolean;
  /** the window as it was before (undefined: none) */
  before?: WindowState;
  /** the instant was known already (a redelivery) */
  known: boolean;
  /** the contact whose window was written, when a merge had moved the one asked for into it */
  into?: ContactRef;
}

/** What is stored about one user of one business number, whichever of their ids it was asked by. */
export interface StoredSession extends ContactState {
  ids: UserIds;
}

/** How long aliases live: the message retention (MESSAGE_RETENTION_DAYS), read against this clock. */
export interface AliasRetention {
  clock: Clock;
  retentionDays: number;
}

/** For stores that only read (the session route): the floor, since they write no alias. */
export const defaultAliasRetention: AliasRetention = { clock: systemClock, retentionDays: RETENTION_FLOOR_DAYS };

/**
 * Contacts: the aliases that map every id of a user to one contact, and the contact's window.
 * The one writer of alias, window and contact-merge items. It reads the conversation items the
 * message ledger writes, because a contact's partition holds both, and copies them when two contacts
 * of one user merge (identity merge keeps every window instant and conversation of both).
 */
export interface ContactStore {
  /** Finds the contact by any id of the user and links ids seen together, so one user is one contact. */
  resolveContact(phoneNumberId: string, ids: UserIds): Promise<ResolvedContact>;
  /** Points more ids (a changed number or user id) at an existing contact. */
  linkIds(contact: ContactRef, ids: UserIds): Promise<void>;
  /** Moves the window to timestamp + 24 h if the message is newer than the last one; false if not. */
  extendWindow(contact: ContactRef, timestamp: EpochSeconds): Promise<boolean>;
  /**
   * A user message at `timestamp`: the window moves if it is newer, and the instant (and a referral)
   * joins the window's recent history whatever its order of arrival (domain/window.ts withInboundMessage).
   * `read`: the window as resolving the contact read it, so the write starts there instead of reading
   * again (the put is on that revision all the same: a read gone stale costs a retry, never a loss).
   */
  recordInboundAt(
    contact: ContactRef,
    timestamp: EpochSeconds,
    options?: { referral?: boolean; read?: WindowRead },
  ): Promise<InboundRecorded>;
  /**
   * Meta answered a send to the number as written with its own wa_id: both forms become one contact
   * (the wa_id's), the number as written an alias of it. Answers the contact to record the send under.
   */
  linkSentTo(contact: ContactRef, waId: string): Promise<ContactRef>;
  /** Meta refused a free-form send (131047) at `at`: the window is closed until the user writes again. */
  closeWindow(contact: ContactRef, at: EpochSeconds): Promise<void>;
  /** One strongly consistent read of the contact's partition. */
  readContactState(phoneNumberId: string, contactId: string): Promise<ContactState>;
  /** The session route's read: follows the id's alias, links nothing. */
  readSession(phoneNumberId: string, ids: UserIds): Promise<StoredSession>;
}
