import type { AliasRecord } from '#domain/identity';
import type { TableKey } from '../table-schema';
import { declare } from './declaration';

/** Any id of a user (wa_id or business-scoped user id) → the contact it belongs to. No TTL: ids outlive windows. */
export type AliasItem = TableKey & AliasRecord;

const PREFIX = 'USER#';
const SK = 'ALIAS';

export const aliasItem = declare({
  kind: 'alias',
  key: (phoneNumberId: string, id: string): TableKey => ({ pk: `${PREFIX}${phoneNumberId}#${id}`, sk: SK }),
  matches: ({ pk, sk }) => pk.startsWith(PREFIX) && sk === SK,
  accessPatterns: [
    /** GetItem / BatchGetItem by any id of the user: the contact it belongs to */
    'resolve',
    /** PutItem per id when two ids of a user are seen together */
    'link',
  ],
});

export const isAliasKey = (pk: string, sk: string): boolean => aliasItem.matches({ pk, sk });

export const toAliasRecord = (item: Record<string, unknown>): AliasRecord => ({
  contactId: String(item.contactId),
  ...(typeof item.waId === 'string' ? { waId: item.waId } : {}),
  ...(typeof item.userId === 'string' ? { userId: item.userId } : {}),
});
