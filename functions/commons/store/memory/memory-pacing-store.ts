import { gcra, mergedArrival, type RateLimit } from '#domain/pacing';
import type { EpochSeconds } from '#domain/time';
import { numberSlotItem, pairSlotItem, PACING_TTL_SECONDS } from '../items/pacing-slot';
import type { PacingResult, PacingStore } from '../pacing-store';
import type { MemoryTable } from './memory-table';

export class MemoryPacingStore implements PacingStore {
  constructor(private readonly table: MemoryTable) {}

  async takeNumberSlot(phoneNumberId: string, now: EpochSeconds, messagesPerSecond: number): Promise<PacingResult> {
    const second = Math.floor(now);
    const key = numberSlotItem.key(phoneNumberId, second);
    const sends = Number(this.table.get(key)?.sends ?? 0);
    if (sends >= messagesPerSecond) return { allowed: false, retryAfter: 1 };
    this.table.update(key, { sends: sends + 1, expiresAt: second + PACING_TTL_SECONDS });
    return { allowed: true };
  }

  async takePairSlot(
    phoneNumberId: string,
    contactId: string,
    now: EpochSeconds,
    limit: RateLimit,
  ): Promise<PacingResult> {
    const key = pairSlotItem.key(phoneNumberId, contactId);
    const item = this.table.get(key);
    const decision = gcra(limit, typeof item?.tat === 'number' ? item.tat : undefined, now);
    if (!decision.allowed) return decision;
    this.table.put({ ...key, tat: decision.next, expiresAt: Math.ceil(decision.next) + PACING_TTL_SECONDS });
    return { allowed: true };
  }

  async mergePairSlot(phoneNumberId: string, from: string, into: string, now: EpochSeconds): Promise<void> {
    if (from === into) return;
    const theirs = this.table.get(pairSlotItem.key(phoneNumberId, from));
    if (typeof theirs?.tat !== 'number') return;
    const key = pairSlotItem.key(phoneNumberId, into);
    const ours = this.table.get(key);
    const tat = mergedArrival(typeof ours?.tat === 'number' ? ours.tat : undefined, theirs.tat, now);
    if (tat !== undefined) this.table.put({ ...key, tat, expiresAt: Math.ceil(tat) + PACING_TTL_SECONDS });
    this.table.delete(pairSlotItem.key(phoneNumberId, from));
  }
}
