import type { ConversationState } from '#domain/conversation';
import type { EpochSeconds } from '#domain/time';
import { closesWindow } from '#domain/window';
import { defaultAliasRetention, type AliasRetention, type ContactRef } from '../contact-store';
import { keepsSlot } from '../contact-state';
import { ContactStoreFlow } from '../contact-store-flow';
import type { AliasItem } from '../items/alias';
import type { ContactMergeItem } from '../items/contact-merge';
import { revisionHolds, revisionOf, windowItem, type WindowItem } from '../items/window';
import { MemoryConsentStore } from './memory-consent-store';
import { MemoryContactReads } from './memory-contact-reads';
import { MemoryMessageLedger } from './memory-message-ledger';
import { MemoryPacingStore } from './memory-pacing-store';
import type { MemoryItem, MemoryTable } from './memory-table';

/**
 * ContactStore in memory; the contract tests hold it to DynamoDbContactStore's behaviour. Each
 * method below reads and writes synchronously, so a check-then-write is atomic as DynamoDB's
 * conditional write is.
 */
export class MemoryContactStore extends ContactStoreFlow {
  constructor(
    private readonly table: MemoryTable,
    retention: AliasRetention = defaultAliasRetention,
  ) {
    super(retention);
    this.reads = new MemoryContactReads(table);
    this.consent = new MemoryConsentStore(table);
    this.messages = new MemoryMessageLedger(table);
    this.pacing = new MemoryPacingStore(table);
  }

  protected readonly reads: MemoryContactReads;
  protected readonly consent: MemoryConsentStore;
  protected readonly messages: MemoryMessageLedger;
  protected readonly pacing: MemoryPacingStore;

  protected async putItem(item: AliasItem | ContactMergeItem): Promise<void> {
    this.table.put({ ...item });
  }

  protected async putConversationKeepingSlot(item: Record<string, unknown>, conversation: ConversationState) {
    const slot = this.table.get({ pk: String(item.pk), sk: String(item.sk) });
    if (keepsSlot(slot, conversation)) this.table.put(item as MemoryItem);
  }

  protected async putWindowOnRevision(item: WindowItem, rev: number | undefined): Promise<boolean> {
    if (!revisionHolds(this.table.get(item), rev)) return false;
    this.table.put({ ...item });
    return true;
  }

  protected async closeWindowAt(contact: ContactRef, at: EpochSeconds): Promise<void> {
    const key = windowItem.key(contact.phoneNumberId, contact.contactId);
    const current = this.table.get(key);
    if (!current) return;
    if (!closesWindow(typeof current.closedAt === 'number' ? current.closedAt : undefined, at)) return;
    this.table.update(key, { closedAt: at, rev: (revisionOf(current) ?? 0) + 1 });
  }
}
