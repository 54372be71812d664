import { chooseContact, type UserIds } from '#domain/identity';
import { aliasExpiry, aliasNeedsRefresh } from '#domain/retention';
import type { EpochSeconds } from '#domain/time';
import { closesWindow, extendsWindow, windowExpiry } from '#domain/window';
import {
  defaultAliasRetention,
  type AliasRetention,
  type ContactRef,
  type ContactState,
  type ContactStore,
  type StoredSession,
} from '../contact-store';
import { aliasExpiresAt, aliasItem, isLiveAlias, toAliasItem, toAliasRecord } from '../items/alias';
import { isConsentKey, toConsentState } from '../items/consent';
import { contactPk } from '../items/contact-partition';
import { isConversationKey, toConversationState } from '../items/conversation';
import { isWindowKey, toWindowState, windowItem } from '../items/window';
import type { MemoryTable } from './memory-table';

const definedIds = (ids: UserIds): string[] => [ids.userId, ids.waId].filter((id): id is string => Boolean(id));

/** ContactStore in memory; the contract tests hold it to DynamoDbContactStore's behaviour. */
export class MemoryContactStore implements ContactStore {
  constructor(
    private readonly table: MemoryTable,
    private readonly retention: AliasRetention = defaultAliasRetention,
  ) {}

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
    if (choice.link || stale) await this.linkIds(contact, choice.ids);
    return contact;
  }

  async linkIds(contact: ContactRef, ids: UserIds): Promise<void> {
    const all: UserIds = { ...contact.ids, ...ids };
    const expiresAt = aliasExpiry(this.retention.clock(), this.retention.retentionDays);
    for (const id of definedIds(ids)) {
      this.table.put({ ...toAliasItem(contact.phoneNumberId, id, contact.contactId, all, expiresAt) });
    }
  }

  async extendWindow(contact: ContactRef, timestamp: EpochSeconds): Promise<boolean> {
    const key = windowItem.key(contact.phoneNumberId, contact.contactId);
    const current = this.table.get(key);
    const last = typeof current?.lastInboundAt === 'number' ? current.lastInboundAt : undefined;
    if (!extendsWindow(last, timestamp)) return false;
    this.table.update(key, { lastInboundAt: timestamp, expiresAt: windowExpiry(timestamp) });
    return true;
  }

  async closeWindow(contact: ContactRef, at: EpochSeconds): Promise<void> {
    const key = windowItem.key(contact.phoneNumberId, contact.contactId);
    const current = this.table.get(key);
    if (!current) return;
    if (!closesWindow(typeof current.closedAt === 'number' ? current.closedAt : undefined, at)) return;
    this.table.update(key, { closedAt: at });
  }

  async readContactState(phoneNumberId: string, contactId: string): Promise<ContactState> {
    const items = this.table.query(contactPk(phoneNumberId, contactId));
    const window = items.find((item) => isWindowKey(item.pk, item.sk));
    const consent = items.find((item) => isConsentKey(item.pk, item.sk));
    return {
      ...(window ? { window: toWindowState(window) } : {}),
      ...(consent ? { consent: toConsentState(consent) } : {}),
      conversations: items.filter((item) => isConversationKey(item.pk, item.sk)).map(toConversationState),
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
