import { gcra, type RateLimit } from '#domain/pacing';
import type { EpochSeconds } from '#domain/time';
import { numberSlotExpiry, numberSlotItem, pairSlotItem, storedArrival, toPairSlotItem } from '../items/pacing-slot';
import type { PacingResult, PacingStore } from '../pacing-store';
import type { MemoryTable } from './memory-table';

export class MemoryPacingStore implements PacingStore {
  constructor(private readonly table: MemoryTable) {}

  async takeNumberSlot(phoneNumberId: string, now: EpochSeconds, messagesPerSecond: number): Promise<PacingResult> {
    const second = Math.floor(now);
    const key = numberSlotItem.key(phoneNumberId, second);
    const sends = Number(this.table.get(key)?.sends ?? 0);
    if (sends >= messagesPerSecond) return { allowed: false, retryAfter: 1 };
    this.table.update(key, { sends: sends + 1, expiresAt: numberSlotExpiry(second) });
    return { allowed: true };
  }

  async takePairSlot(
    phoneNumberId: string,
    contactId: string,
    now: EpochSeconds,
    limit: RateLimit,
  ): Promise<PacingResult> {
    const decision = gcra(limit, storedArrival(this.table.get(pairSlotItem.key(phoneNumberId, contactId))), now);
    if (!decision.allowed) return decision;
    this.table.put(toPairSlotItem(phoneNumberId, contactId, decision.next));
    return { allowed: true };
  }
}
