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
import { messageItem, toInboundMessageItem, toOutboundMessageItem } from '../items/message';
import {
  NotABusinessMessageError,
  type CommitInput,
  type CommitResult,
  type MessageLedger,
  type StoredMessage,
} from '../message-ledger';
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
    if (conversation && input.writeConversationItem) {
      const { record, replaces } = conversation;
      if (replaces && replaces.category !== record.category) {
        const old = this.table.get(conversationItem.key(contact.phoneNumberId, contact.contactId, replaces.category));
        if (old && old.conversationId !== replaces.id) return 'conversation-taken';
      }
      const slot = this.table.get(conversationItem.key(contact.phoneNumberId, contact.contactId, record.category));
      const held = slot ? { id: String(slot.conversationId), expiresAt: Number(slot.expiresAt) } : undefined;
      if (!mayTakeSlot(held, record, replaces?.id ?? record.id)) return 'conversation-taken';
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
        if (replaces && replaces.category !== record.category) {
          this.table.delete(conversationItem.key(contact.phoneNumberId, contact.contactId, replaces.category));
        }
        this.table.put(toConversationItem(contact, record));
      }
      if (replaces && replaces.id !== record.id) this.table.delete(ledgerEntryItem.key(replaces.id));
      this.table.put(toLedgerEntryItem(state, record));
    }
    if (countsFirstTime(changes)) {
      const counted = countedUnitsOf(message.appliedEffects);
      this.table.put(toCountedUnitsItem(state.id, counted, countedUnitsExpiry(input.retainUntil)));
    }
    return 'committed';
  }
}
