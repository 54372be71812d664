import { chooseContact, type UserIds } from '#domain/identity';
import { aliasExpiry } from '#domain/retention';
import type { EpochSeconds } from '#domain/time';
import { mergeWindows, withInboundMessage, type WindowState } from '#domain/window';
import {
  defaultAliasRetention,
  type AliasRetention,
  type ContactRef,
  type ContactState,
  type ContactStore,
  type InboundRecorded,
  refOf,
  type ResolvedContact,
  type StoredSession,
  type WindowRead,
} from './contact-store';
import { aliasesNeedRefresh, definedIds, mergeMarker, mergePlan, sentToLink } from './contact-state';
import { readContactState, readSession, type ContactItemReads } from './contact-reads';
import type { ConsentStore } from './consent-store';
import type { MessageLedger } from './message-ledger';
import type { PacingStore } from './pacing-store';
import { aliasItem, isLiveAlias, toAliasItem, toAliasRecord, type AliasItem } from './items/alias';
import type { ContactMergeItem } from './items/contact-merge';
import { contactIdOf } from './items/contact-partition';
import type { ConversationState } from '#domain/conversation';
import {
  isWindowKey,
  revisionOf,
  sealedInto,
  toWindowItem,
  windowItem,
  toWindowState,
  type SealedWindowItem,
  type WindowItem,
} from './items/window';
import { sameWindow } from './window-writes';

/** Optimistic window writes: re-read and put again while other writers come in between. */
const WINDOW_ATTEMPTS = 8;
/** How many merges back a merge (and a write to a sealed window) follows: a user has two ids. */
const MERGE_DEPTH = 2;

/**
 * The contact store's one orchestration (resolve, link, merge, window writes, reads), over the item
 * reads and writes an adapter provides: DynamoDB (dynamodb-contact-store.ts) and memory
 * (memory/memory-contact-store.ts) differ only in how an item is read or written, never in what is
 * decided, so the contract tests hold both to the same behaviour. The decisions themselves are pure
 * (contact-state.ts, domain/identity.ts, domain/window.ts).
 */
export abstract class ContactStoreFlow implements ContactStore {
  protected constructor(protected readonly retention: AliasRetention = defaultAliasRetention) {}

  /** the item reads (contact-reads.ts), which the session route also reads with alone */
  protected abstract readonly reads: ContactItemReads;
  /** An unconditional put: an alias, a merge marker. */
  protected abstract putItem(item: AliasItem | ContactMergeItem): Promise<void>;
  /** Puts a merged conversation unless the slot holds one that lasts longer (contact-state.ts keepsSlot). */
  protected abstract putConversationKeepingSlot(
    item: Record<string, unknown>,
    conversation: ConversationState,
  ): Promise<void>;
  /** Puts the window only on the revision read (`undefined`: only where none is); false when another writer came first. */
  protected abstract putWindowOnRevision(item: WindowItem, rev: number | undefined): Promise<boolean>;
  /** Meta refused a free-form send (131047) at `at`: the window's close moves on, never back. */
  protected abstract closeWindowAt(contact: ContactRef, at: EpochSeconds): Promise<void>;
  /** consent, message and pacing items have one writer each; a merge hands the other contact's to them */
  protected abstract readonly consent: Pick<ConsentStore, 'applyConsent'>;
  protected abstract readonly messages: Pick<MessageLedger, 'moveHistory'>;
  protected abstract readonly pacing: Pick<PacingStore, 'mergePairSlot'>;

  /**
   * One consistent read of the ids' aliases and of the windows under the same ids: with both ids a
   * first link keeps whichever window exists, and the window of the contact found (its id is nearly
   * always one of the user's) is the first read of the window write a user message makes next.
   */
  async resolveContact(phoneNumberId: string, ids: UserIds): Promise<ResolvedContact> {
    const present = definedIds(ids);
    if (present.length === 0) throw new Error('a contact needs a wa_id or a business-scoped user id');
    const items = await this.reads.readItems([
      ...present.map((id) => aliasItem.key(phoneNumberId, id)),
      ...present.map((id) => windowItem.key(phoneNumberId, id)),
    ]);
    const now = this.retention.clock();
    const aliasItemOf = (id: string | undefined) =>
      id === undefined
        ? undefined
        : items.find((found) => found.pk === aliasItem.key(phoneNumberId, id).pk && isLiveAlias(found, now));
    const aliasOf = (id: string | undefined) => {
      const item = aliasItemOf(id);
      return item ? toAliasRecord(item) : undefined;
    };
    const windows = items.filter((item) => isWindowKey(String(item.pk), String(item.sk)));
    const both = ids.waId !== undefined && ids.userId !== undefined;
    const choice = chooseContact({
      ids,
      ...optional('userIdAlias', aliasOf(ids.userId)),
      ...optional('waIdAlias', aliasOf(ids.waId)),
      windows: both
        ? windows.map((item) => ({
            contactId: contactIdOf(String(item.pk), phoneNumberId),
            lastInboundAt: Number(item.lastInboundAt),
          }))
        : [],
    });
    const contact = { phoneNumberId, contactId: choice.contactId, ids: choice.ids };
    const stale = aliasesNeedRefresh(present.map(aliasItemOf), now, this.retention.retentionDays);
    // The other contact's items first, then the aliases: a crash in between leaves the link to redo, nothing lost.
    for (const other of choice.merge) await this.mergeContact(phoneNumberId, other, choice.contactId);
    // A user seen again keeps their aliases: re-linking moves the expiry on (at most once a day).
    if (choice.link || stale) await this.linkIds(contact, choice.ids);
    // A merge wrote the contact's window since the read: the next write reads it again.
    if (choice.merge.length > 0 || !present.includes(choice.contactId)) return contact;
    const window = windows.find((item) => contactIdOf(String(item.pk), phoneNumberId) === choice.contactId);
    return { ...contact, windowRead: windowReadOf(window) };
  }

  async linkSentTo(contact: ContactRef, waId: string): Promise<ContactRef> {
    // Already the wa_id's own contact (or its alias led there): nothing to link, no write per send.
    const link = sentToLink(contact, waId);
    if (link === 'same') return contact;
    if (link === 'resolve' || contact.ids.waId === undefined)
      return refOf(await this.resolveContact(contact.phoneNumberId, { ...contact.ids, waId }));
    const target = refOf(await this.resolveContact(contact.phoneNumberId, { waId }));
    if (target.contactId !== contact.contactId) {
      await this.mergeContact(contact.phoneNumberId, contact.contactId, target.contactId);
    }
    // The number as the caller wrote it now finds Meta's wa_id's contact.
    const expiresAt = aliasExpiry(this.retention.clock(), this.retention.retentionDays);
    await this.putItem(toAliasItem(contact.phoneNumberId, contact.ids.waId, target.contactId, target.ids, expiresAt));
    return target;
  }

  /**
   * Copies every window instant, conversation and the consent of `from` into `into`, moves its message
   * history and folds its pair rate into `into`'s (idempotent: a repeat, or two merges at once, end
   * the same), then leaves a marker so what still names `from` finds `into`.
   */
  private async mergeContact(phoneNumberId: string, from: string, into: string, depth = 0): Promise<void> {
    const plan = mergePlan(await this.reads.partition(phoneNumberId, from), phoneNumberId, from, into);
    // A contact merged into itself (a chain that comes back) has no window to move.
    if (from !== into) await this.moveWindow(phoneNumberId, from, into, windowReadOf(plan.windowItem));
    if (plan.consent) {
      await this.consent.applyConsent(
        { phoneNumberId, contactId: into, ids: {} },
        { kind: 'merge', theirs: plan.consent },
      );
    }
    for (const { item, conversation } of plan.conversations) await this.putConversationKeepingSlot(item, conversation);
    await this.messages.moveHistory(phoneNumberId, from, into);
    await this.pacing.mergePairSlot(phoneNumberId, from, into, this.retention.clock());
    if (plan.previous !== undefined && depth < MERGE_DEPTH)
      await this.mergeContact(phoneNumberId, plan.previous, into, depth + 1);
    if (from === into) return;
    const expiresAt = aliasExpiry(this.retention.clock(), this.retention.retentionDays);
    await this.putItem(mergeMarker(phoneNumberId, from, into, expiresAt));
  }

  /**
   * `from`'s window into `into`'s, then `from`'s sealed on the revision read:
   *
   *   merge:   read from's window (rev r) ── merge it into into's ── seal from's, if rev is still r
   *   writer:  holding `from` ── put on rev r fails, or reads the seal ── writes into's window instead
   *
   * A writer that came in between moved the revision on, so the seal fails and the window is merged
   * again: every instant written to `from` reaches `into`, whichever order the two ran in. Where
   * `from` has no window yet nothing is sealed (a first link would pay a write for it), so a writer
   * that creates `from`'s first window while the merge runs can still land there.
   */
  private async moveWindow(phoneNumberId: string, from: string, into: string, read: WindowRead): Promise<void> {
    let seen: WindowRead | undefined = read;
    for (let attempt = 0; attempt < WINDOW_ATTEMPTS; attempt++) {
      seen ??= windowReadOf((await this.reads.readItems([windowItem.key(phoneNumberId, from)]))[0]);
      const { window: theirs, rev, mergedInto } = seen;
      seen = undefined;
      // No window, nothing to move: a first link of two new ids costs no seal (see above).
      if (mergedInto !== undefined || theirs === undefined) return;
      await this.writeWindow({ phoneNumberId, contactId: into }, (ours) => mergeWindows(ours, theirs));
      // The seal keeps the window's own expiry, so DynamoDB's TTL takes it when the window would have gone.
      const seal: SealedWindowItem = {
        ...toWindowItem({ phoneNumberId, contactId: from }, theirs, (rev ?? 0) + 1),
        mergedInto: into,
      };
      if (await this.putWindowOnRevision(seal, rev)) return;
    }
    throw contention();
  }

  /**
   * Read (or start from what was read already), change, put on the revision read; again when another
   * writer came in between. A window a merge sealed is written where it moved (`contactId` says where).
   */
  private async writeWindow(
    contact: { phoneNumberId: string; contactId: string },
    change: (window: WindowState | undefined) => WindowState | undefined,
    read?: WindowRead,
    depth = 0,
  ): Promise<{ before?: WindowState; written: boolean; contactId: string }> {
    const key = windowItem.key(contact.phoneNumberId, contact.contactId);
    let seen = read;
    for (let attempt = 0; attempt < WINDOW_ATTEMPTS; attempt++) {
      if (seen === undefined) {
        const [item] = await this.reads.readItems([key]);
        seen = windowReadOf(item);
      }
      const { window: before, rev, mergedInto } = seen;
      seen = undefined;
      // A seal names the contact the merge moved into; a chain is followed as far as a merge follows one.
      if (mergedInto !== undefined && depth < MERGE_DEPTH) {
        const moved = { phoneNumberId: contact.phoneNumberId, contactId: mergedInto };
        return this.writeWindow(moved, change, undefined, depth + 1);
      }
      const next = change(before);
      const result = { ...(before ? { before } : {}), contactId: contact.contactId };
      if (next === undefined || sameWindow(before, next)) return { ...result, written: false };
      if (await this.putWindowOnRevision(toWindowItem(contact, next, (rev ?? 0) + 1), rev)) {
        return { ...result, written: true };
      }
    }
    throw contention();
  }

  async linkIds(contact: ContactRef, ids: UserIds): Promise<void> {
    const all: UserIds = { ...contact.ids, ...ids };
    const expiresAt = aliasExpiry(this.retention.clock(), this.retention.retentionDays);
    await Promise.all(
      definedIds(ids).map((id) =>
        this.putItem(toAliasItem(contact.phoneNumberId, id, contact.contactId, all, expiresAt)),
      ),
    );
  }

  async extendWindow(contact: ContactRef, timestamp: EpochSeconds): Promise<boolean> {
    return (await this.recordInboundAt(contact, timestamp)).moved;
  }

  async recordInboundAt(
    contact: ContactRef,
    timestamp: EpochSeconds,
    options: { referral?: boolean; read?: WindowRead } = {},
  ): Promise<InboundRecorded> {
    const { before, written, contactId } = await this.writeWindow(
      contact,
      (window) => withInboundMessage(window, timestamp, options.referral === true),
      options.read,
    );
    return {
      moved: written && (before === undefined || timestamp > before.lastInboundAt),
      ...(before ? { before } : {}),
      known: !written,
      ...(contactId === contact.contactId ? {} : { into: { ...contact, contactId } }),
    };
  }

  async closeWindow(contact: ContactRef, at: EpochSeconds): Promise<void> {
    // Rare (Meta's 131047), so one read first: a window a merge sealed is closed where it moved.
    const [item] = await this.reads.readItems([windowItem.key(contact.phoneNumberId, contact.contactId)]);
    const movedTo = sealedInto(item);
    await this.closeWindowAt(movedTo === undefined ? contact : { ...contact, contactId: movedTo }, at);
  }

  async readContactState(phoneNumberId: string, contactId: string): Promise<ContactState> {
    return readContactState(this.reads, phoneNumberId, contactId);
  }

  async readSession(phoneNumberId: string, ids: UserIds): Promise<StoredSession> {
    return readSession(this.reads, this.retention.clock, phoneNumberId, ids);
  }
}

/** A window item as read (none: `{}`, which a first put then expects; a seal: where it moved). */
const windowReadOf = (item: Record<string, unknown> | undefined): WindowRead => {
  if (!item) return {};
  const mergedInto = sealedInto(item);
  return {
    window: toWindowState(item),
    rev: revisionOf(item) ?? 0,
    ...(mergedInto === undefined ? {} : { mergedInto }),
  };
};

const contention = () =>
  Object.assign(new Error('the window could not be written: too many concurrent writers'), {
    name: 'TransactionConflictException',
    $metadata: {},
  });

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
