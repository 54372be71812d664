import { gcra, mergedArrival } from '#domain/pacing';
import type { EpochSeconds } from '#domain/time';
import {
  isUnderLimit,
  numberSlotExpiry,
  numberSlotItem,
  pairSlotItem,
  storedArrival,
  toPairSlotItem,
} from '../items/pacing-slot';
import type { PacingStore } from '../pacing-store';
import type { MemoryTable } from './memory-table';

/** PacingStore in memory: the DynamoDB adapter's conditions, checked on the item read. */
export class MemoryPacingStore implements PacingStore {
  constructor(private readonly table: MemoryTable) {}

  takeNumberSlot: PacingStore['takeNumberSlot'] = async (phoneNumberId, now, messagesPerSecond) => {
    const second = Math.floor(now);
    const key = numberSlotItem.key(phoneNumberId, second);
    const item = this.table.get(key);
    if (!isUnderLimit(item, messagesPerSecond)) return { allowed: false, retryAfter: 1 };
    this.table.update(key, { sends: Number(item?.sends ?? 0) + 1, expiresAt: numberSlotExpiry(second) });
    return { allowed: true };
  };

  takePairSlot: PacingStore['takePairSlot'] = async (phoneNumberId, contactId, now, limit) => {
    const decision = gcra(limit, storedArrival(this.table.get(pairSlotItem.key(phoneNumberId, contactId))), now);
    if (!decision.allowed) return decision;
    this.table.put(toPairSlotItem(phoneNumberId, contactId, decision.next));
    return { allowed: true };
  };

  async mergePairSlot(phoneNumberId: string, from: string, into: string, now: EpochSeconds): Promise<void> {
    if (from === into) return;
    const theirs = storedArrival(this.table.get(pairSlotItem.key(phoneNumberId, from)));
    if (theirs === undefined) return;
    const tat = mergedArrival(storedArrival(this.table.get(pairSlotItem.key(phoneNumberId, into))), theirs, now);
    if (tat !== undefined) this.table.put(toPairSlotItem(phoneNumberId, into, tat));
    this.table.delete(pairSlotItem.key(phoneNumberId, from));
  }
}
