import type { HealthSignal, HealthState } from '#domain/account-health';

/** Where a health signal belongs: a number (by its display number) or the account, of one WABA. */
export type HealthSubject =
  { scope: 'number'; displayNumber: string; wabaId: string } | { scope: 'account'; wabaId: string };

/** A stored health item: its subject and facts. */
export type StoredHealth = HealthSubject & { state: HealthState };

/**
 * Number and account health: the one writer of account-health items, from Meta's
 * phone_number_quality_update and account_update webhooks.
 */
export interface HealthStore {
  /** The health after Meta's signal (#domain/account-health.healthAfter), written under the version read. */
  applyHealth(subject: HealthSubject, signal: HealthSignal): Promise<HealthState>;
  /** Every number's and account's health (one small partition). */
  listHealth(): Promise<StoredHealth[]>;
}

/** The item's subject from its stored attributes. */
export const subjectOf = (item: Record<string, unknown>): HealthSubject =>
  item.scope === 'number'
    ? { scope: 'number', displayNumber: String(item.displayNumber ?? ''), wabaId: String(item.wabaId ?? '') }
    : { scope: 'account', wabaId: String(item.wabaId ?? '') };
