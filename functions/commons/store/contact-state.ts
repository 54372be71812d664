import type { AliasRecord, UserIds } from '#domain/identity';
import type { ConsentState } from '#domain/consent';
import type { ConversationState } from '#domain/conversation';
import type { EpochSeconds } from '#domain/time';
import { aliasNeedsRefresh } from '#domain/retention';
import type { ContactRef, ContactState } from './contact-store';
import { aliasExpiresAt } from './items/alias';
import { contactMergeItem, isContactMergeKey, type ContactMergeItem } from './items/contact-merge';
import { isConsentKey, toConsentState } from './items/consent';
import { conversationItem, isConversationKey, toConversationState } from './items/conversation';
import { isWindowKey, revisionOf, toWindowState } from './items/window';

/**
 * The decisions both contact stores (DynamoDB and memory) take about a contact's partition, as pure
 * functions of the items read: what the partition says, what a merge copies, where a send links.
 * The adapters only read and write.
 */

type Item = Record<string, unknown>;
const keyOf = (item: Item) => [String(item.pk), String(item.sk)] as const;

export const definedIds = (ids: UserIds): string[] => [ids.userId, ids.waId].filter((id): id is string => Boolean(id));

/** The contact this partition was merged into, if its marker says so. */
export const mergedIntoOf = (items: readonly Item[]): string | undefined => {
  const marker = items.find((item) => isContactMergeKey(...keyOf(item)));
  return marker ? String(marker.mergedInto) : undefined;
};

/** A contact's partition (the one a marker led to, `movedTo`) as the domain reads it. */
export const contactStateOf = (items: readonly Item[], movedTo?: string): ContactState => {
  const window = items.find((item) => isWindowKey(...keyOf(item)));
  const consent = items.find((item) => isConsentKey(...keyOf(item)));
  return {
    ...(window ? { window: toWindowState(window) } : {}),
    ...(consent ? { consent: toConsentState(consent) } : {}),
    conversations: items.filter((item) => isConversationKey(...keyOf(item))).map(toConversationState),
    ...(movedTo !== undefined ? { movedTo } : {}),
    ...(window ? { windowRev: revisionOf(window) ?? 0 } : {}),
  };
};

/** What merging contact `from` (its partition's items) into `into` writes. */
export interface MergePlan {
  /** `from`'s window item as read, moved into `into`'s (contact-store-flow.ts moveWindow) */
  windowItem?: Item;
  /** `from`'s consent, handed to the consent store as a merge */
  consent?: ConsentState;
  /** `from`'s conversation items keyed into `into`'s partition, each put only if it keeps the slot (keepsSlot) */
  conversations: { item: Item; conversation: ConversationState }[];
  /** a contact `from` was merged into before: merged into `into` as well (a chain of links) */
  previous?: string;
}

export const mergePlan = (items: readonly Item[], phoneNumberId: string, from: string, into: string): MergePlan => {
  const windowItem = items.find((item) => isWindowKey(...keyOf(item)));
  const consent = from === into ? undefined : items.find((item) => isConsentKey(...keyOf(item)));
  const previous = mergedIntoOf(items);
  return {
    ...(windowItem ? { windowItem } : {}),
    ...(consent ? { consent: toConsentState(consent) } : {}),
    conversations: items
      .filter((item) => isConversationKey(...keyOf(item)))
      .map((item) => {
        const conversation = toConversationState(item);
        return { item: { ...item, ...conversationItem.key(phoneNumberId, into, conversation.category) }, conversation };
      }),
    ...(previous !== undefined && previous !== into && previous !== from ? { previous } : {}),
  };
};

/**
 * Per category a merged slot keeps the conversation that lasts longer; the other stays counted in
 * its ledger entry. `keepsSlotCondition` is the same rule for DynamoDB (`:expiresAt` the incoming one's).
 */
export const keepsSlot = (slot: Item | undefined, incoming: ConversationState): boolean =>
  slot === undefined || Number(slot.expiresAt) < incoming.expiresAt;
export const keepsSlotCondition = 'attribute_not_exists(pk) OR expiresAt < :expiresAt';

/** The marker left in `from`'s partition; it names `into`, so it expires like an alias. */
export const mergeMarker = (
  phoneNumberId: string,
  from: string,
  into: string,
  expiresAt: EpochSeconds,
): ContactMergeItem => ({ ...contactMergeItem.key(phoneNumberId, from), mergedInto: into, expiresAt });

/**
 * Meta answered a send with `waId`: nothing to do when the contact is that wa_id's already; resolve
 * with both ids when the contact knew no wa_id; else the number as written joins the wa_id's contact.
 */
export const sentToLink = (contact: ContactRef, waId: string): 'same' | 'resolve' | 'alias' =>
  contact.ids.waId === waId || contact.contactId === waId
    ? 'same'
    : contact.ids.waId === undefined
      ? 'resolve'
      : 'alias';

/** A user seen again keeps their aliases: re-linking moves the expiry on (at most once a day). */
export const aliasesNeedRefresh = (
  aliases: readonly (Item | undefined)[],
  now: EpochSeconds,
  retentionDays: number,
): boolean => aliases.some((item) => item !== undefined && aliasNeedsRefresh(aliasExpiresAt(item), now, retentionDays));

/** The ids the session route answers with: those asked by, completed from the alias. */
export const sessionIdsOf = (ids: UserIds, alias: AliasRecord | undefined): UserIds => ({
  ...ids,
  ...(alias?.waId ? { waId: alias.waId } : {}),
  ...(alias?.userId ? { userId: alias.userId } : {}),
});
