import type { EpochSeconds } from '#domain/time';
import type { TableKey } from '../table-schema';
import { contactPartition } from './contact-partition';
import { declare } from './declaration';

/**
 * Left in a contact's partition when it was merged into another contact of the same user (two ids
 * seen together, or Meta's wa_id answering a send to the number as written): whatever still names
 * the old contact (a message recorded before the merge) finds the one its window and conversations
 * live in now. It names the other contact's id, so it expires like an alias.
 */
export type ContactMergeItem = TableKey & { mergedInto: string; expiresAt: EpochSeconds };

export const contactMergeItem = declare({
  kind: 'contact-merge',
  pk: contactPartition,
  sk: 'MERGED',
  ttl: 'expiresAt',
  accessPatterns: [
    /** PutItem when the contact's items were copied into the surviving contact */
    'merge',
    /** read with the contact's partition: the Query sees it and follows it once */
    'readContact',
  ],
});

export const isContactMergeKey = contactMergeItem.is;
