import type { UserIds } from '#domain/identity';
import { systemClock, type Clock } from '#domain/time';
import type { ContactState, ContactStore, StoredSession } from './contact-store';
import { contactStateOf, mergedIntoOf, sessionIdsOf } from './contact-state';
import { aliasItem, isLiveAlias, toAliasRecord } from './items/alias';
import type { TableKey } from './table-schema';

type Item = Record<string, unknown>;

/**
 * The two item reads of the contact store, as each adapter makes them (dynamodb-contact-reads.ts,
 * memory/memory-contact-reads.ts). The reads below need nothing else, so the session route reads
 * with them alone, without the writes (and the message ledger, pacing and consent stores a merge
 * hands items to) that the whole contact store brings.
 */
export interface ContactItemReads {
  /** Consistent reads of these keys, every one answered (what is absent is left out). */
  readItems(keys: readonly TableKey[]): Promise<Item[]>;
  /** A consistent read of the contact's whole partition. */
  partition(phoneNumberId: string, contactId: string): Promise<Item[]>;
}

/** One strongly consistent read of the contact's partition; a merged contact's is the one it was merged into. */
export const readContactState = async (
  reads: ContactItemReads,
  phoneNumberId: string,
  contactId: string,
): Promise<ContactState> => {
  const items = await reads.partition(phoneNumberId, contactId);
  // A merged contact's state lives in the contact it was merged into: followed once.
  const movedTo = mergedIntoOf(items);
  return movedTo === undefined
    ? contactStateOf(items)
    : contactStateOf(await reads.partition(phoneNumberId, movedTo), movedTo);
};

/** The session route's read: follows the id's alias (live at the clock's now), links nothing. */
export const readSession = async (
  reads: ContactItemReads,
  clock: Clock,
  phoneNumberId: string,
  ids: UserIds,
): Promise<StoredSession> => {
  const id = ids.userId ?? ids.waId;
  if (id === undefined) throw new Error('readSession needs a wa_id or a user id');
  const [item] = await reads.readItems([aliasItem.key(phoneNumberId, id)]);
  const alias = item && isLiveAlias(item, clock()) ? toAliasRecord(item) : undefined;
  const state = await readContactState(reads, phoneNumberId, alias?.contactId ?? id);
  return { ids: sessionIdsOf(ids, alias), ...state };
};

/** The contact store's session read over an adapter's item reads: what the session route is given. */
export const sessionReads = (
  reads: ContactItemReads,
  clock: Clock = systemClock,
): Pick<ContactStore, 'readSession'> => ({
  readSession: (phoneNumberId, ids) => readSession(reads, clock, phoneNumberId, ids),
});
