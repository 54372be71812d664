import type { WindowState } from '#domain/window';
import type { TableKey } from '../table-schema';
import { CONTACT_PREFIX, contactPk } from './contact-partition';
import { declare } from './declaration';

/** The customer service window of a contact: 24 h from the user's latest message. */
export type WindowItem = TableKey & WindowState;

const SK = 'WINDOW';

export const windowItem = declare({
  kind: 'window',
  key: (phoneNumberId: string, contactId: string): TableKey => ({ pk: contactPk(phoneNumberId, contactId), sk: SK }),
  matches: ({ pk, sk }) => pk.startsWith(CONTACT_PREFIX) && sk === SK,
  ttl: 'expiresAt',
  accessPatterns: [
    /** UpdateItem when a newer user message arrives (condition: lastInboundAt older) */
    'extend',
    /** UpdateItem when Meta refuses a free-form send with 131047 (condition: closedAt older) */
    'close',
    /** Query of the contact's partition, with its conversations */
    'readContact',
  ],
});

export const WINDOW_SK = SK;

export const isWindowKey = (pk: string, sk: string): boolean => windowItem.matches({ pk, sk });

export const toWindowState = (item: Record<string, unknown>): WindowState => ({
  lastInboundAt: Number(item.lastInboundAt),
  expiresAt: Number(item.expiresAt),
  ...(typeof item.closedAt === 'number' ? { closedAt: item.closedAt } : {}),
});

/**
 * The window's conditions from named parts (as Powertools' idempotency layer builds its own):
 *
 *   extend:  ──────── lastInboundAt ─────── :at ──────▶  moves only when :at is later (or no window yet)
 *   close:   ── lastInboundAt ── closedAt ──── :at ────▶  moves only when :at is later than the last close,
 *                                                        and only an existing window closes
 */
export const windowConditions = {
  extend: ['attribute_not_exists(lastInboundAt)', 'lastInboundAt < :at'].join(' OR '),
  close: `attribute_exists(pk) AND (${['attribute_not_exists(closedAt)', 'closedAt < :at'].join(' OR ')})`,
} as const;
