import type { TableKey } from '../table-schema';
import { declare } from './declaration';

/** Sends from one business number within one second (per-number throughput); gone a minute later. */
export type NumberSlotItem = TableKey & { sends: number; expiresAt: number };

/** The pair rate to one user: the theoretical arrival time (GCRA) of the next send. */
export type PairSlotItem = TableKey & { tat: number; expiresAt: number };

const PREFIX = 'PACE#';

/** Pacing items outlive the second (or the arrival time) they count by this much, then TTL removes them. */
export const PACING_TTL_SECONDS = 60;

export const numberSlotItem = declare({
  kind: 'number-slot',
  pk: { prefix: PREFIX, of: (phoneNumberId: string, second: number) => `${phoneNumberId}#${second}` },
  sk: 'NUMBER',
  ttl: 'expiresAt',
  accessPatterns: [
    /** UpdateItem ADD sends 1 (condition: under the messages per second) */
    'take',
  ],
});

export const pairSlotItem = declare({
  kind: 'pair-slot',
  pk: { prefix: PREFIX, of: (phoneNumberId: string, contactId: string) => `${phoneNumberId}#${contactId}` },
  sk: 'PAIR',
  ttl: 'expiresAt',
  accessPatterns: [
    /** GetItem, then PutItem of the next arrival time (condition: the one read) */
    'take',
  ],
});

export const isNumberSlotKey = numberSlotItem.is;
export const isPairSlotKey = pairSlotItem.is;

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
