import { chooseContact, type UserIds } from '#domain/identity';
import { aliasExpiry, aliasNeedsRefresh } from '#domain/retention';
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
import { MemoryConsentStore } from './memory-consent-store';
import { aliasExpiresAt, aliasItem, isLiveAlias, toAliasItem, toAliasRecord } from '../items/alias';
import { contactMergeItem, isContactMergeKey } from '../items/contact-merge';
import { isConsentKey, toConsentState } from '../items/consent';
import { contactPk } from '../items/contact-partition';
import { conversationItem, isConversationKey, toConversationState } from '../items/conversation';
import { isWindowKey, revisionOf, toWindowItem, toWindowState, windowItem } from '../items/window';
import { sameWindow } from '../window-writes';
import type { MemoryTable } from './memory-table';

const definedIds = (ids: UserIds): string[] => [ids.userId, ids.waId].filter((id): id is string => Boolean(id));

/** ContactStore in memory; the contract tests hold it to DynamoDbContactStore's behaviour. */
export class MemoryContactStore implements ContactStore {
  constructor(
    private readonly table: MemoryTable,
    private readonly retention: AliasRetention = defaultAliasRetention,
  ) {
    this.consent = new MemoryConsentStore(table);
  }

  private readonly consent: MemoryConsentStore;

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
    const stale = definedIds(ids).some((id) => {
      const item = this.aliasItem(phoneNumberId, id);
      return item !== undefined && aliasNeedsRefresh(aliasExpiresAt(item), now, this.retention.retentionDays);
    });
    for (const other of choice.merge) this.mergeContact(phoneNumberId, other, choice.contactId);
    if (choice.link || stale) await this.linkIds(contact, choice.ids);
    return contact;
  }

  async linkSentTo(contact: ContactRef, waId: string): Promise<ContactRef> {
    // Already the wa_id's own contact (or its alias led there): nothing to link, no write per send.
    if (contact.ids.waId === waId || contact.contactId === waId) return contact;
    if (contact.ids.waId === undefined) return this.resolveContact(contact.phoneNumberId, { ...contact.ids, waId });
    const target = await this.resolveContact(contact.phoneNumberId, { waId });
    if (target.contactId !== contact.contactId)
      this.mergeContact(contact.phoneNumberId, contact.contactId, target.contactId);
    const expiresAt = aliasExpiry(this.retention.clock(), this.retention.retentionDays);
    this.table.put({
      ...toAliasItem(contact.phoneNumberId, contact.ids.waId, target.contactId, target.ids, expiresAt),
    });
    return target;
  }

  /** As DynamoDbContactStore.mergeContact: every window instant, conversation and the consent of `from` into `into`. */
  private mergeContact(phoneNumberId: string, from: string, into: string, depth = 0): void {
    const items = this.table.query(contactPk(phoneNumberId, from));
    const marker = items.find((item) => isContactMergeKey(item.pk, item.sk));
    const window = items.find((item) => isWindowKey(item.pk, item.sk));
    if (window) {
      const theirs = toWindowState(window);
      this.writeWindow({ phoneNumberId, contactId: into }, (ours) => mergeWindows(ours, theirs));
    }
    const consent = items.find((item) => isConsentKey(item.pk, item.sk));
    if (consent && from !== into) {
      this.consent.apply(
        { phoneNumberId, contactId: into, ids: {} },
        { kind: 'merge', theirs: toConsentState(consent) },
      );
    }
    for (const item of items.filter((found) => isConversationKey(found.pk, found.sk))) {
      const conversation = toConversationState(item);
      const key = conversationItem.key(phoneNumberId, into, conversation.category);
      const slot = this.table.get(key);
      if (slot && !(Number(slot.expiresAt) < conversation.expiresAt)) continue;
      this.table.put({ ...item, ...key });
    }
    const previous = marker ? String(marker.mergedInto) : undefined;
    if (previous !== undefined && previous !== into && previous !== from && depth < 2) {
      this.mergeContact(phoneNumberId, previous, into, depth + 1);
    }
    if (from === into) return;
    this.table.put({
      ...contactMergeItem.key(phoneNumberId, from),
      mergedInto: into,
      expiresAt: aliasExpiry(this.retention.clock(), this.retention.retentionDays),
    });
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
    let items = this.table.query(contactPk(phoneNumberId, contactId));
    const marker = items.find((item) => isContactMergeKey(item.pk, item.sk));
    const movedTo = marker ? String(marker.mergedInto) : undefined;
    if (movedTo !== undefined) items = this.table.query(contactPk(phoneNumberId, movedTo));
    const window = items.find((item) => isWindowKey(item.pk, item.sk));
    const consent = items.find((item) => isConsentKey(item.pk, item.sk));
    return {
      ...(window ? { window: toWindowState(window) } : {}),
      ...(consent ? { consent: toConsentState(consent) } : {}),
      conversations: items.filter((item) => isConversationKey(item.pk, item.sk)).map(toConversationState),
      ...(movedTo !== undefined ? { movedTo } : {}),
      ...(window ? { windowRev: revisionOf(window) ?? 0 } : {}),
    };
  }

  async readSession(phoneNumberId: string, ids: UserIds): Promise<StoredSession> {
    const id = ids.userId ?? ids.waId;
    if (id === undefined) throw new Error('readSession needs a wa_id or a user id');
    const alias = this.alias(phoneNumberId, id);
    const state = await this.readContactState(phoneNumberId, alias?.contactId ?? id);
    return {
      ids: { ...ids, ...(alias?.waId ? { waId: alias.waId } : {}), ...(alias?.userId ? { userId: alias.userId } : {}) },
      ...state,
    };
  }
}
