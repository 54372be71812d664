import type { CountedUnit } from '#domain/delivery';
import { isLive, type EpochSeconds } from '#domain/time';
import type { TableKey } from '../table-schema';
import { declare } from './declaration';
import { idHash } from '#domain/id-hash';

/**
 * What a business message's delivery counted, remembered past its message record. The message
 * record is what keeps a status from being counted twice, but it expires with the retention, and a
 * status may come later (a user reading the message late; Meta's late deliveries and retries). This
 * small record, written in the same transaction that first counts the message's units and keyed by
 * a hash of the wamid (no phone number, no user id), lets such a status count nothing. It expires
 * Meta's status horizon after the message record it was written with (retention.ts countedUnitsExpiry).
 */
export type CountedUnitsItem = TableKey & {
  /** the unit kinds the delivery counted */
  counted: CountedUnit[];
  expiresAt: number;
};

export const countedUnitsItem = declare({
  kind: 'counted-units',
  pk: { prefix: 'COUNTED#', of: (wamid: string) => idHash(wamid) },
  sk: 'COUNTED',
  ttl: 'expiresAt',
  accessPatterns: [
    /** Put in the transaction that first counts a unit of the message */
    'count',
    /** GetItem by the wamid's hash, only when a status finds no live message record */
    'read',
  ],
});

export const toCountedUnitsItem = (wamid: string, counted: CountedUnit[], expiresAt: number): CountedUnitsItem => ({
  ...countedUnitsItem.key(wamid),
  counted,
  expiresAt,
});

/** What the item says was counted, while it is live at `now`; undefined for none. */
export const liveCountedUnits = (
  item: Record<string, unknown> | undefined,
  now: EpochSeconds,
): CountedUnit[] | undefined =>
  item && isLive(item.expiresAt as number | undefined, now) ? ((item.counted ?? []) as CountedUnit[]) : undefined;
