import type { WindowState } from '#domain/window';
import type { TableKey } from '../table-schema';
import { contactPartition } from './contact-partition';
import { declare, present } from './declaration';

/**
 * The customer service window of a contact: 24 h from the user's latest message, with the latest few
 * message instants (domain/window.ts RECENT_INBOUND) and the latest referral. `rev` counts its writes:
 * a user message is written by read, then put on the revision read.
 */
export type WindowItem = TableKey & WindowState & { rev: number };

/**
 * The window item a merge leaves in the merged contact's partition: its last state and the contact
 * it moved into. A writer still holding the merged contact reads the seal,
 * or fails on its revision, and writes the window it was moved into instead, so no user message
 * lands in a window nobody reads any more.
 */
export type SealedWindowItem = WindowItem & { mergedInto: string };

export const windowItem = declare({
  kind: 'window',
  pk: contactPartition,
  sk: 'WINDOW',
  ttl: 'expiresAt',
  accessPatterns: [
    /** read with the contact's aliases (one BatchGetItem, else GetItem), then PutItem on the revision read, for every user message */
    'extend',
    /** the same read and put when two contacts of one user merge; then the merged one's is sealed on its revision */
    'merge',
    /** UpdateItem when Meta refuses a free-form send with 131047 (condition: closedAt older) */
    'close',
    /** Query of the contact's partition, with its conversations */
    'readContact',
  ],
});

export const WINDOW_SK = 'WINDOW';

export const isWindowKey = windowItem.is;

export const toWindowState = (item: Record<string, unknown>): WindowState => ({
  lastInboundAt: Number(item.lastInboundAt),
  expiresAt: Number(item.expiresAt),
  ...present(item, 'number', 'closedAt', 'referralAt'),
  ...(Array.isArray(item.inboundAt) ? { inboundAt: item.inboundAt.map(Number) } : {}),
});

/** The contact a merge moved this window into (its seal), if it was. */
export const sealedInto = (item: Record<string, unknown> | undefined): string | undefined =>
  typeof item?.mergedInto === 'string' ? item.mergedInto : undefined;

export const revisionOf = (item: Record<string, unknown> | undefined): number | undefined =>
  item === undefined ? undefined : typeof item.rev === 'number' ? item.rev : 0;

export const toWindowItem = (
  contact: { phoneNumberId: string; contactId: string },
  window: WindowState,
  rev: number,
): WindowItem => ({ ...windowItem.key(contact.phoneNumberId, contact.contactId), ...window, rev });

/**
 * The window's conditions from named parts (as Powertools' idempotency layer builds its own):
 *
 *   write:   ── rev read ─────────────────────────────▶  a put lands only on the revision it read
 *                                                        (none yet: only where no window is)
 *   close:   ── lastInboundAt ── closedAt ──── :at ────▶  moves only when :at is later than the last close,
 *                                                        and only an existing window closes (rev + 1)
 *
 * What a user message does to the window is domain/window.ts withInboundMessage; the put carries it.
 */
export const windowConditions = {
  first: 'attribute_not_exists(pk)',
  revision: '(attribute_not_exists(rev) AND :rev = :zero) OR rev = :rev',
  close: `attribute_exists(pk) AND (${['attribute_not_exists(closedAt)', 'closedAt < :at'].join(' OR ')})`,
} as const;

/** windowConditions.first / .revision on a window read (the in-memory fake's check). */
export const revisionHolds = (item: Record<string, unknown> | undefined, rev: number | undefined): boolean =>
  rev === undefined ? item === undefined : revisionOf(item) === rev;
