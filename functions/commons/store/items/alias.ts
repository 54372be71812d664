import type { AliasRecord, UserIds } from '#domain/identity';
import { isLive, type EpochSeconds } from '#domain/time';
import type { TableKey } from '../table-schema';
import { declare, present } from './declaration';

/**
 * Any id of a user (wa_id or business-scoped user id) → the contact it belongs to. It holds a phone
 * number, so it expires: after the message retention (domain/retention.ts aliasExpiry), the longest
 * retention of anything naming the contact, moved on whenever the user is seen again.
 */
export type AliasItem = TableKey & AliasRecord & { expiresAt: EpochSeconds };

export const aliasItem = declare({
  kind: 'alias',
  pk: { prefix: 'USER#', of: (phoneNumberId: string, id: string) => `${phoneNumberId}#${id}` },
  sk: 'ALIAS',
  ttl: 'expiresAt',
  accessPatterns: [
    /** GetItem / BatchGetItem by any id of the user: the contact it belongs to */
    'resolve',
    /** PutItem per id when two ids of a user are seen together, or to move the expiry of a user seen again */
    'link',
  ],
});

export const toAliasRecord = (item: Record<string, unknown>): AliasRecord => ({
  contactId: String(item.contactId),
  ...present(item, 'string', 'waId', 'userId'),
});

export const toAliasItem = (
  phoneNumberId: string,
  id: string,
  contactId: string,
  ids: UserIds,
  expiresAt: EpochSeconds,
): AliasItem => ({ ...aliasItem.key(phoneNumberId, id), contactId, ...ids, expiresAt });

/**
 * An alias still in force at `now`. One written before aliases expired has no expiresAt: it stays in
 * force, and the next sighting of the user gives it one.
 */
export const isLiveAlias = (item: Record<string, unknown>, now: EpochSeconds): boolean =>
  typeof item.expiresAt !== 'number' || isLive(item.expiresAt, now);

export const aliasExpiresAt = (item: Record<string, unknown>): EpochSeconds | undefined =>
  typeof item.expiresAt === 'number' ? item.expiresAt : undefined;
