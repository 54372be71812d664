import type { TableKey } from '../table-schema';
import { declare } from './declaration';

/** Sends from one business number within one second (per-number throughput); gone a minute later. */
export type NumberSlotItem = TableKey & { sends: number; expiresAt: number };

/** The pair rate to one user: the theoretical arrival time (GCRA) of the next send. */
export type PairSlotItem = TableKey & { tat: number; expiresAt: number };

/** Pacing items outlive the second (or the arrival time) they count by this much, then TTL removes them. */
export const PACING_TTL_SECONDS = 60;

/**
 * Both pacing kinds: a `PACE#<phoneNumberId>#<…>` partition of its own (so one hot number never
 * contends with another), told apart by the sort key, removed by TTL, served by one `take`.
 */
const pacingSlot = <Of extends string | number>(kind: string, sk: string, take: string) =>
  declare({
    kind,
    pk: { prefix: 'PACE#', of: (phoneNumberId: string, of: Of) => `${phoneNumberId}#${of}` },
    sk,
    ttl: 'expiresAt',
    accessPatterns: [take],
  });

/** Per second: UpdateItem ADD sends 1 (condition: under the messages per second). */
export const numberSlotItem = pacingSlot<number>('number-slot', 'NUMBER', 'take');

/** Per contact: GetItem, then PutItem of the next arrival time (condition: the one read). */
export const pairSlotItem = pacingSlot<string>('pair-slot', 'PAIR', 'take');

/** pacingConditions.underLimit on a number slot read (the in-memory fake's check). */
export const isUnderLimit = (item: Record<string, unknown> | undefined, messagesPerSecond: number): boolean =>
  typeof item?.sends !== 'number' || item.sends < messagesPerSecond;

/** The number slot's expiry: a minute after the second it counts. */
export const numberSlotExpiry = (second: number): number => second + PACING_TTL_SECONDS;

/** The pair slot holding the next arrival time `tat`, expiring a minute after it. */
export const toPairSlotItem = (phoneNumberId: string, contactId: string, tat: number): PairSlotItem => ({
  ...pairSlotItem.key(phoneNumberId, contactId),
  tat,
  expiresAt: Math.ceil(tat) + PACING_TTL_SECONDS,
});

/** The arrival time a pair slot read holds; undefined before the pair's first send. */
export const storedArrival = (item: Record<string, unknown> | undefined): number | undefined =>
  typeof item?.tat === 'number' ? item.tat : undefined;

export const pacingConditions = {
  underLimit: ['attribute_not_exists(sends)', 'sends < :limit'].join(' OR '),
  firstSend: 'attribute_not_exists(tat)',
  arrivalRead: 'tat = :stored',
} as const;
