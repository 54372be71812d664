import { chooseContact, type UserIds } from '#domain/identity';
import { aliasExpiry } from '#domain/retention';
import type { EpochSeconds } from '#domain/time';
import { closesWindow, mergeWindows, withInboundMessage, type WindowState } from '#domain/window';
import {
  defaultAliasRetention,
  type AliasRetention,
  type ContactRef,
  type ContactState,
  type ContactStore,
  type InboundRecorded,
  type StoredSession,
} from '../contact-store';
import {
  aliasesNeedRefresh,
  contactStateOf,
  definedIds,
  keepsSlot,
  mergedIntoOf,
  mergeMarker,
  mergePlan,
  sentToLink,
  sessionIdsOf,
} from '../contact-state';
import { MemoryConsentStore } from './memory-consent-store';
import { MemoryMessageLedger } from './memory-message-ledger';
import { MemoryPacingStore } from './memory-pacing-store';
import { aliasItem, isLiveAlias, toAliasItem, toAliasRecord } from '../items/alias';
import { contactPk } from '../items/contact-partition';
import { revisionOf, toWindowItem, toWindowState, windowItem } from '../items/window';
import { sameWindow } from '../window-writes';
import type { MemoryItem, MemoryTable } from './memory-table';

/** ContactStore in memory; the contract tests hold it to DynamoDbContactStore's behaviour. */
export class MemoryContactStore implements ContactStore {
  constructor(
    private readonly table: MemoryTable,
    private readonly retention: AliasRetention = defaultAliasRetention,
  ) {
    this.consent = new MemoryConsentStore(table);
    this.messages = new MemoryMessageLedger(table);
    this.pacing = new MemoryPacingStore(table);
  }

  private readonly consent: MemoryConsentStore;
  private readonly messages: MemoryMessageLedger;
  private readonly pacing: MemoryPacingStore;

  private aliasItem(phoneNumberId: string, id: string | undefined) {
    const item = id === undefined ? undefined : this.table.get(aliasItem.key(phoneNumberId, id));
    return item && isLiveAlias(item, this.retention.clock()) ? item : undefined;
  }

  private alias(phoneNumberId: string, id: string | undefined) {
    const item = this.aliasItem(phoneNumberId, id);
    return item ? toAliasRecord(item) : undefined;
  }

  async resolveContact(phoneNumberId: string, ids: UserIds): Promise<ContactRef> {
    const both = ids.waId !== undefined && ids.userId !== undefined;
    const userIdAlias = this.alias(phoneNumberId, ids.userId);
    const waIdAlias = this.alias(phoneNumberId, ids.waId);
    const windows = both
      ? definedIds(ids).flatMap((id) => {
          const window = this.table.get(windowItem.key(phoneNumberId, id));
          return window ? [{ contactId: id, lastInboundAt: Number(window.lastInboundAt) }] : [];
        })
      : [];
    const choice = chooseContact({
      ids,
      ...(userIdAlias ? { userIdAlias } : {}),
      ...(waIdAlias ? { waIdAlias } : {}),
      windows,
    });
    const contact = { phoneNumberId, contactId: choice.contactId, ids: choice.ids };
    const now = this.retention.clock();
    const stale = aliasesNeedRefresh(
      definedIds(ids).map((id) => this.aliasItem(phoneNumberId, id)),
      now,
      this.retention.retentionDays,
    );
    for (const other of choice.merge) await this.mergeContact(phoneNumberId, other, choice.contactId);
    if (choice.link || stale) await this.linkIds(contact, choice.ids);
    return contact;
  }

  async linkSentTo(contact: ContactRef, waId: string): Promise<ContactRef> {
    // Already the wa_id's own contact (or its alias led there): nothing to link, no write per send.
    const link = sentToLink(contact, waId);
    if (link === 'same') return contact;
    if (link === 'resolve' || contact.ids.waId === undefined)
      return this.resolveContact(contact.phoneNumberId, { ...contact.ids, waId });
    const target = await this.resolveContact(contact.phoneNumberId, { waId });
    if (target.contactId !== contact.contactId)
      await this.mergeContact(contact.phoneNumberId, contact.contactId, target.contactId);
    const expiresAt = aliasExpiry(this.retention.clock(), this.retention.retentionDays);
    this.table.put({
      ...toAliasItem(contact.phoneNumberId, contact.ids.waId, target.contactId, target.ids, expiresAt),
    });
    return target;
  }

  /** As DynamoDbContactStore.mergeContact, from the same plan (contact-state.ts mergePlan). */
  private async mergeContact(phoneNumberId: string, from: string, into: string, depth = 0): Promise<void> {
    const plan = mergePlan(this.table.query(contactPk(phoneNumberId, from)), phoneNumberId, from, into);
    const theirs = plan.window;
    if (theirs) this.writeWindow({ phoneNumberId, contactId: into }, (ours) => mergeWindows(ours, theirs));
    if (plan.consent) {
      this.consent.apply({ phoneNumberId, contactId: into, ids: {} }, { kind: 'merge', theirs: plan.consent });
    }
    for (const { item, conversation } of plan.conversations) {
      const slot = this.table.get({ pk: String(item.pk), sk: String(item.sk) });
      if (keepsSlot(slot, conversation)) this.table.put(item as MemoryItem);
    }
    await this.messages.moveHistory(phoneNumberId, from, into);
    await this.pacing.mergePairSlot(phoneNumberId, from, into, this.retention.clock());
    if (plan.previous !== undefined && depth < 2)
      await this.mergeContact(phoneNumberId, plan.previous, into, depth + 1);
    if (from === into) return;
    const expiresAt = aliasExpiry(this.retention.clock(), this.retention.retentionDays);
    this.table.put(mergeMarker(phoneNumberId, from, into, expiresAt));
  }

  private writeWindow(
    contact: { phoneNumberId: string; contactId: string },
    change: (window: WindowState | undefined) => WindowState | undefined,
  ): { before?: WindowState; written: boolean } {
    const item = this.table.get(windowItem.key(contact.phoneNumberId, contact.contactId));
    const before = item ? toWindowState(item) : undefined;
    const next = change(before);
    if (next === undefined || sameWindow(before, next)) return { ...(before ? { before } : {}), written: false };
    this.table.put({ ...toWindowItem(contact, next, (revisionOf(item) ?? 0) + 1) });
    return { ...(before ? { before } : {}), written: true };
  }

  async linkIds(contact: ContactRef, ids: UserIds): Promise<void> {
    const all: UserIds = { ...contact.ids, ...ids };
    const expiresAt = aliasExpiry(this.retention.clock(), this.retention.retentionDays);
    for (const id of definedIds(ids)) {
      this.table.put({ ...toAliasItem(contact.phoneNumberId, id, contact.contactId, all, expiresAt) });
    }
  }

  async extendWindow(contact: ContactRef, timestamp: EpochSeconds): Promise<boolean> {
    return (await this.recordInboundAt(contact, timestamp)).moved;
  }

  async recordInboundAt(
    contact: ContactRef,
    timestamp: EpochSeconds,
    options: { referral?: boolean } = {},
  ): Promise<InboundRecorded> {
    const { before, written } = this.writeWindow(contact, (window) =>
      withInboundMessage(window, timestamp, options.referral === true),
    );
    return {
      moved: written && (before === undefined || timestamp > before.lastInboundAt),
      ...(before ? { before } : {}),
      known: !written,
    };
  }

  async closeWindow(contact: ContactRef, at: EpochSeconds): Promise<void> {
    const key = windowItem.key(contact.phoneNumberId, contact.contactId);
    const current = this.table.get(key);
    if (!current) return;
    if (!closesWindow(typeof current.closedAt === 'number' ? current.closedAt : undefined, at)) return;
    this.table.update(key, { closedAt: at, rev: (revisionOf(current) ?? 0) + 1 });
  }

  async readContactState(phoneNumberId: string, contactId: string): Promise<ContactState> {
    const items = this.table.query(contactPk(phoneNumberId, contactId));
    const movedTo = mergedIntoOf(items);
    return movedTo === undefined
      ? contactStateOf(items)
      : contactStateOf(this.table.query(contactPk(phoneNumberId, movedTo)), movedTo);
  }

  async readSession(phoneNumberId: string, ids: UserIds): Promise<StoredSession> {
    const id = ids.userId ?? ids.waId;
    if (id === undefined) throw new Error('readSession needs a wa_id or a user id');
    const alias = this.alias(phoneNumberId, id);
    const state = await this.readContactState(phoneNumberId, alias?.contactId ?? id);
    return { ids: sessionIdsOf(ids, alias), ...state };
  }
}
