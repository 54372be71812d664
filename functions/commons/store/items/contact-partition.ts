/**
 * A contact is one (business number, user) pair: not an item of its own but a partition holding its
 * window and one conversation item per category. `contactId` is the first id we saw the user by;
 * aliases (alias.ts) map every id of the user to it. One strongly consistent Query of the partition
 * answers the session route, sends and deliveries alike.
 */
export const CONTACT_PREFIX = 'CONTACT#';

/** The contact's partition as a key part (store/items/declaration.ts). */
export const contactPartition = {
  prefix: CONTACT_PREFIX,
  of: (phoneNumberId: string, contactId: string): string => `${phoneNumberId}#${contactId}`,
};

export const contactPk = (phoneNumberId: string, contactId: string): string =>
  `${CONTACT_PREFIX}${contactPartition.of(phoneNumberId, contactId)}`;

/** The contact id a contact partition key names, for the business number given. */
export const contactIdOf = (pk: string, phoneNumberId: string): string => pk.slice(contactPk(phoneNumberId, '').length);
