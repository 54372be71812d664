import { mayTakeSlot } from '#domain/conversation';
import { countedUnitsOf, countsFirstTime, type ConversationRecord, type CountedUnit } from '#domain/delivery';
import { countedUnitsExpiry } from '#domain/retention';
import { isLive, type EpochSeconds } from '#domain/time';
import type { InboundMessageEvent } from '#webhook/events';
import type { ContactRef } from '../contact-store';
import { aggregateCellItem, shardOf } from '../items/aggregate-cell';
import { templateCellItem } from '../items/template-cell';
import { conversationItem, heldSlotOf, moveHolds, toConversationItem } from '../items/conversation';
import { countedUnitsItem, liveCountedUnits, toCountedUnitsItem } from '../items/counted-units';
import { ledgerEntryItem, openerHolds, toLedgerEntryItem } from '../items/ledger-entry';
import {
  historyStampOf,
  isMessageKey,
  messageItem,
  toInboundMessageItem,
  toOutboundMessageItem,
} from '../items/message';
import { contactPk } from '../items/contact-partition';
import * as ledger from '../message-ledger';
import { revisionHolds, windowItem } from '../items/window';
import type { MemoryTable } from './memory-table';

/**
 * MessageLedger in memory. A commit checks every condition before it writes anything, so it is all
 * or nothing like DynamoDB's transaction; it never reports contention (nothing runs in between).
 */
export class MemoryMessageLedger implements ledger.MessageLedger {
  constructor(private readonly table: MemoryTable) {}

  async recordInbound(
    contact: ContactRef,
    message: InboundMessageEvent,
    retainUntil: EpochSeconds,
  ): Promise<'recorded' | 'duplicate'> {
    if (this.table.get(messageItem.key(message.id))) return 'duplicate';
    this.table.put(toInboundMessageItem(contact, message, retainUntil));
    return 'recorded';
  }

  async readMessage(wamid: string, now?: EpochSeconds): Promise<ledger.StoredMessage | undefined> {
    return ledger.storedMessageOf(this.table.get(messageItem.key(wamid)), now);
  }

  async readCountedUnits(wamid: string, now: EpochSeconds): Promise<CountedUnit[] | undefined> {
    return liveCountedUnits(this.table.get(countedUnitsItem.key(wamid)), now);
  }

  async commitMessage(input: ledger.CommitInput): Promise<ledger.CommitResult> {
    const { message, changes, previousVersion } = input;
    const state = message.state;
    const stored = this.table.get(messageItem.key(state.id));
    // A first write finds nothing there, or (given the clock) only a record expired and not yet deleted.
    const absent = !stored || (input.now !== undefined && !isLive(stored.expiresAt as number | undefined, input.now));
    const versionHolds = previousVersion === undefined ? absent : stored?.version === previousVersion;
    if (!versionHolds) return 'message-changed';

    const contact = { phoneNumberId: state.phoneNumberId, contactId: state.contactId };
    const conversation = changes.conversation;
    const slotKey = (category: string) => conversationItem.key(contact.phoneNumberId, contact.contactId, category);
    if (conversation && input.writeConversationItem) {
      const { record, replaces } = conversation;
      if (replaces && replaces.category !== record.category) {
        if (!moveHolds(this.table.get(slotKey(replaces.category)), replaces.id)) return 'conversation-taken';
      }
      const held = heldSlotOf(this.table.get(slotKey(record.category)));
      const takesOver = replaces?.id ?? input.superseded?.find((opener) => !opener.deleteSlot)?.conversation.id;
      if (!mayTakeSlot(held, record, takesOver ?? record.id)) return 'conversation-taken';
    }
    const superseded = input.superseded ?? [];
    if (input.checks) {
      const slot = this.table.get(slotKey(input.checks.category));
      const window = this.table.get(windowItem.key(contact.phoneNumberId, contact.contactId));
      if (slot?.conversationId !== input.checks.conversationId) return 'conversation-taken';
      if (!revisionHolds(window, input.checks.windowRev)) return 'conversation-taken';
    }
    for (const opener of superseded) {
      const current = this.table.get(messageItem.key(opener.message.state.id));
      if (current?.version !== opener.previousVersion) return 'conversation-taken';
      const slot = opener.deleteSlot ? this.table.get(slotKey(opener.conversation.category)) : undefined;
      if (!moveHolds(slot, opener.conversation.id)) return 'conversation-taken';
    }
    // The ledger entry says whether the conversation is counted (openerCondition in items/ledger-entry.ts).
    const openerHoldsFor = (record: ConversationRecord) =>
      openerHolds(this.table.get(ledgerEntryItem.key(record.id)), toLedgerEntryItem(state, record).openedByHash);
    if (conversation && !openerHoldsFor(conversation.record)) return 'conversation-counted';
    const withdrawn = changes.withdrawn;
    if (withdrawn) {
      const slot = input.withdrawSlot ? this.table.get(slotKey(withdrawn.category)) : undefined;
      if (!moveHolds(slot, withdrawn.id) || !openerHoldsFor(withdrawn)) return 'conversation-taken';
    }

    // Every condition holds: write it all.
    this.table.put(toOutboundMessageItem(message, input.retainUntil));
    const shard = shardOf(state.id);
    for (const change of changes.unitChanges) {
      const key = aggregateCellItem.key(change.kind, change.unit, shard);
      const units = Number(this.table.get(key)?.units ?? 0) + change.delta;
      this.table.update(key, { units, kind: change.kind, ...change.unit });
      if (change.kind !== 'message' || !state.templateName) continue;
      const templateKey = templateCellItem.key(change.unit, state.templateName, shard);
      const templateUnits = Number(this.table.get(templateKey)?.units ?? 0) + change.delta;
      this.table.update(templateKey, { units: templateUnits, ...change.unit, template: state.templateName });
    }
    if (conversation) {
      const { record, replaces } = conversation;
      if (input.writeConversationItem) {
        if (replaces && replaces.category !== record.category) this.table.delete(slotKey(replaces.category));
        this.table.put(toConversationItem(contact, record));
      }
      if (replaces && replaces.id !== record.id) this.table.delete(ledgerEntryItem.key(replaces.id));
      this.table.put(toLedgerEntryItem(state, record));
    }
    if (countsFirstTime(changes)) {
      const counted = countedUnitsOf(message.appliedEffects);
      this.table.put(toCountedUnitsItem(state.id, counted, countedUnitsExpiry(input.retainUntil)));
    }
    if (withdrawn) {
      if (input.withdrawSlot) this.table.delete(slotKey(withdrawn.category));
      this.table.delete(ledgerEntryItem.key(withdrawn.id));
    }
    for (const opener of superseded) {
      this.table.put(toOutboundMessageItem(opener.message, input.retainUntil));
      const key = aggregateCellItem.key('conversation', opener.conversation.unit, shardOf(opener.message.state.id));
      this.table.update(key, {
        units: Number(this.table.get(key)?.units ?? 0) - 1,
        kind: 'conversation',
        ...opener.conversation.unit,
      });
      this.table.delete(ledgerEntryItem.key(opener.conversation.id));
      if (opener.deleteSlot) this.table.delete(slotKey(opener.conversation.category));
    }
    return 'committed';
  }

  async moveHistory(phoneNumberId: string, from: string, into: string): Promise<number> {
    if (from === into) return 0;
    const pk = contactPk(phoneNumberId, from);
    const found = this.table.scan((item) => isMessageKey(item.pk, item.sk) && item.historyPk === pk);
    for (const item of found) this.table.update(item, ledger.movedMessage(item, phoneNumberId, into));
    return found.length;
  }

  async readHistory(
    contact: { phoneNumberId: string; contactId: string },
    read: ledger.HistoryRead,
  ): Promise<ledger.ContactHistory> {
    const pk = contactPk(contact.phoneNumberId, contact.contactId);
    const { from, to } = ledger.historyRange(read);
    const items = this.table
      .scan((item) => isMessageKey(item.pk, item.sk) && item.historyPk === pk)
      .filter((item) => historyStampOf(item.historySk) >= from && historyStampOf(item.historySk) <= to)
      .sort((a, b) => (String(a.historySk) < String(b.historySk) ? -1 : 1));
    return ledger.contactHistoryOf(items, read);
  }
}
