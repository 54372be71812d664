import { mayTakeSlot } from '#domain/conversation';
import { countedUnitsOf, countsFirstTime, type CountedUnit } from '#domain/delivery';
import { countedUnitsExpiry } from '#domain/retention';
import { isLive, type EpochSeconds } from '#domain/time';
import type { InboundMessageEvent } from '#webhook/events';
import type { ContactRef } from '../contact-store';
import { aggregateCellItem, shardOf } from '../items/aggregate-cell';
import { templateCellItem } from '../items/template-cell';
import { conversationItem, toConversationItem } from '../items/conversation';
import { countedUnitsItem, toCountedUnitsItem } from '../items/counted-units';
import { ledgerEntryItem, toLedgerEntryItem } from '../items/ledger-entry';
import { isMessageKey, messageItem, toInboundMessageItem, toOutboundMessageItem } from '../items/message';
import { contactPk } from '../items/contact-partition';
import {
  NotABusinessMessageError,
  recentDeliveryOf,
  inboundInstantOf,
  movedMessage,
  type CommitInput,
  type CommitResult,
  type MessageLedger,
  type RecentDelivery,
  type StoredMessage,
} from '../message-ledger';
import { revisionOf, windowItem } from '../items/window';
import type { MemoryTable } from './memory-table';

/**
 * MessageLedger in memory. A commit checks every condition before it writes anything, so it is all
 * or nothing like DynamoDB's transaction; it never reports contention (nothing runs in between).
 */
export class MemoryMessageLedger implements MessageLedger {
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

  async readMessage(wamid: string, now?: EpochSeconds): Promise<StoredMessage | undefined> {
    const item = this.table.get(messageItem.key(wamid));
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
  }

  async readCountedUnits(wamid: string, now: EpochSeconds): Promise<CountedUnit[] | undefined> {
    const item = this.table.get(countedUnitsItem.key(wamid));
    if (!item || !isLive(item.expiresAt as number | undefined, now)) return undefined;
    return (item.counted ?? []) as CountedUnit[];
  }

  async commitMessage(input: CommitInput): Promise<CommitResult> {
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
        const old = this.table.get(slotKey(replaces.category));
        if (old && old.conversationId !== replaces.id) return 'conversation-taken';
      }
      const slot = this.table.get(slotKey(record.category));
      const held = slot ? { id: String(slot.conversationId), expiresAt: Number(slot.expiresAt) } : undefined;
      const takesOver = replaces?.id ?? input.superseded?.find((opener) => !opener.deleteSlot)?.conversation.id;
      if (!mayTakeSlot(held, record, takesOver ?? record.id)) return 'conversation-taken';
    }
    const superseded = input.superseded ?? [];
    if (input.checks) {
      const slot = this.table.get(slotKey(input.checks.category));
      const window = this.table.get(windowItem.key(contact.phoneNumberId, contact.contactId));
      if (slot?.conversationId !== input.checks.conversationId) return 'conversation-taken';
      if (input.checks.windowRev === undefined ? window !== undefined : revisionOf(window) !== input.checks.windowRev) {
        return 'conversation-taken';
      }
    }
    for (const opener of superseded) {
      const current = this.table.get(messageItem.key(opener.message.state.id));
      if (current?.version !== opener.previousVersion) return 'conversation-taken';
      if (opener.deleteSlot) {
        const slot = this.table.get(slotKey(opener.conversation.category));
        if (slot && slot.conversationId !== opener.conversation.id) return 'conversation-taken';
      }
    }
    // The ledger entry says whether the conversation is counted (openerCondition in items/ledger-entry.ts).
    const openedByOther = (id: string, openedBy: string) => {
      const entry = this.table.get(ledgerEntryItem.key(id));
      return entry !== undefined && entry.openedByHash !== openedBy;
    };
    if (conversation) {
      const entry = toLedgerEntryItem(state, conversation.record);
      if (openedByOther(conversation.record.id, entry.openedByHash)) return 'conversation-counted';
    }
    const withdrawn = changes.withdrawn;
    if (withdrawn) {
      if (input.withdrawSlot) {
        const slot = this.table.get(slotKey(withdrawn.category));
        if (slot && slot.conversationId !== withdrawn.id) return 'conversation-taken';
      }
      if (openedByOther(withdrawn.id, toLedgerEntryItem(state, withdrawn).openedByHash)) return 'conversation-taken';
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

  async recentDeliveries(
    contact: { phoneNumberId: string; contactId: string },
    from: EpochSeconds,
    to: EpochSeconds,
  ): Promise<RecentDelivery[]> {
    const pk = contactPk(contact.phoneNumberId, contact.contactId);
    return this.table
      .scan((item) => isMessageKey(item.pk, item.sk) && item.historyPk === pk)
      .sort((a, b) => (String(a.historySk) < String(b.historySk) ? -1 : 1))
      .flatMap((item) => recentDeliveryOf(item, from, to) ?? []);
  }

  async moveHistory(phoneNumberId: string, from: string, into: string): Promise<number> {
    if (from === into) return 0;
    const pk = contactPk(phoneNumberId, from);
    const found = this.table.scan((item) => isMessageKey(item.pk, item.sk) && item.historyPk === pk);
    for (const item of found) this.table.update(item, movedMessage(item, phoneNumberId, into));
    return found.length;
  }

  async inboundInstants(
    contact: { phoneNumberId: string; contactId: string },
    from: EpochSeconds,
    to: EpochSeconds,
  ): Promise<EpochSeconds[]> {
    const pk = contactPk(contact.phoneNumberId, contact.contactId);
    return this.table
      .scan((item) => isMessageKey(item.pk, item.sk) && item.historyPk === pk)
      .flatMap((item) => inboundInstantOf(item, from, to) ?? []);
  }
}
