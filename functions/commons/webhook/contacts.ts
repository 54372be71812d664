/** Who an item is from or to: its own ids merged with the matching entry of the change's contacts[]. */
import type { InferOutput } from 'valibot';
import type { UserIdentity } from './events';
import { contactItem } from './items';
import { outputOf } from './validate';

/** Drops undefined members so events carry only what Meta sent (and compare cleanly). */
export const compact = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

interface Contact {
  waId?: string;
  userId?: string;
  parentUserId?: string;
  profileName?: string;
  username?: string;
}

const toContact = (value: InferOutput<typeof contactItem>): Contact => ({
  waId: value.wa_id,
  userId: value.user_id,
  parentUserId: value.parent_user_id,
  profileName: value.profile?.name,
  username: value.profile?.username,
});

/**
 * contacts[] indexed once per change value, so matching N items stays linear. Keys are prefixed because
 * a wa_id and a user id live in different namespaces.
 */
export class ContactIndex {
  private readonly byId = new Map<string, Contact>();
  private readonly only: Contact | undefined;

  constructor(contacts: unknown) {
    const list = Array.isArray(contacts) ? contacts : [];
    let parsedCount = 0;
    let last: Contact | undefined;
    for (const candidate of list) {
      const read = outputOf(contactItem, candidate);
      if (read === undefined) continue;
      const contact = toContact(read);
      parsedCount += 1;
      last = contact;
      // first entry wins so a later duplicate id cannot re-attribute an item
      if (contact.userId && !this.byId.has(`u:${contact.userId}`)) this.byId.set(`u:${contact.userId}`, contact);
      if (contact.waId && !this.byId.has(`w:${contact.waId}`)) this.byId.set(`w:${contact.waId}`, contact);
    }
    this.only = parsedCount === 1 && list.length === 1 ? last : undefined;
  }

  /**
   * `wa_id` may differ from `from` (Meta says they "may not always match"), so when a change carries exactly
   * one contact and one item, that contact is the item's user even without an id match.
   */
  find(userId: string | undefined, waId: string | undefined, singleItem: boolean): Contact | undefined {
    return (
      (userId === undefined ? undefined : this.byId.get(`u:${userId}`)) ??
      (waId === undefined ? undefined : this.byId.get(`w:${waId}`)) ??
      (singleItem ? this.only : undefined)
    );
  }
}

export const mergeIdentity = (own: UserIdentity, contact: Contact | undefined): UserIdentity =>
  compact({
    waId: own.waId ?? contact?.waId,
    userId: own.userId ?? contact?.userId,
    parentUserId: own.parentUserId ?? contact?.parentUserId,
    profileName: contact?.profileName,
    username: contact?.username,
  });

export const hasUserId = (user: UserIdentity): boolean => user.waId !== undefined || user.userId !== undefined;
