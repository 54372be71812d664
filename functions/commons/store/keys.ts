import type { TableKey } from './table-schema';

/**
 * Key templates of the single table, one per access pattern. A contact is one (business number,
 * user) pair; `contactId` is the first id we saw the user by, and aliases map every id of the user to it.
 */
export const contactPk = (phoneNumberId: string, contactId: string): string => `CONTACT#${phoneNumberId}#${contactId}`;

export const keys = {
  /** any id of a user (wa_id or business-scoped user id) → the contact it belongs to */
  userAlias: (phoneNumberId: string, id: string): TableKey => ({ pk: `USER#${phoneNumberId}#${id}`, sk: 'ALIAS' }),
  /** the customer service window, 24 h from the user's last message */
  window: (phoneNumberId: string, contactId: string): TableKey => ({
    pk: contactPk(phoneNumberId, contactId),
    sk: 'WINDOW',
  }),
  /** one open conversation per category; a new one replaces the expired one */
  conversation: (phoneNumberId: string, contactId: string, category: string): TableKey => ({
    pk: contactPk(phoneNumberId, contactId),
    sk: `CONV#${category}`,
  }),
} as const;

/** Sort-key prefixes inside a contact's partition. */
export const contactItem = {
  window: 'WINDOW',
  conversationPrefix: 'CONV#',
} as const;
