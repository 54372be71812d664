import { healthAfter, type HealthSignal, type HealthState } from '#domain/account-health';
import { subjectOf, type HealthStore, type HealthSubject, type StoredHealth } from '../health-store';
import { HEALTH_PK, healthAttributes, healthKeyOf, toHealthState } from '../items/account-health';
import type { MemoryTable } from './memory-table';

export class MemoryHealthStore implements HealthStore {
  constructor(private readonly table: MemoryTable) {}

  async applyHealth(subject: HealthSubject, signal: HealthSignal): Promise<HealthState> {
    const key = healthKeyOf(subject);
    const item = this.table.get(key);
    const current = toHealthState(item);
    const next = healthAfter(current, signal);
    if (next !== current || !item) {
      this.table.put({ ...key, ...healthAttributes(subject, next), version: Number(item?.version ?? 0) + 1 });
    }
    return next;
  }

  async listHealth(): Promise<StoredHealth[]> {
    return this.table.query(HEALTH_PK).map((item) => ({ ...subjectOf(item), state: toHealthState(item) }));
  }
}
