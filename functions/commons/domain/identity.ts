/**
 * A user is known by phone number (`wa_id`, digits only) or by a business-scoped user id
 * (e.g. `US.13491208655302741918`), or both; windows and conversations follow the user across both.
 */
export type UserIdKind = 'waId' | 'userId';

/** A phone number as Meta's `wa_id` writes it: digits only, country code first. */
export const WA_ID = /^\d{5,20}$/;
/**
 * A business-scoped user id: a two-letter country prefix, a dot, then Meta's id.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/business-scoped-user-ids
 */
export const BUSINESS_SCOPED_USER_ID = /^[A-Z]{2}\.[A-Za-z0-9.]{1,120}$/;

export const classifyUserId = (id: string): UserIdKind | undefined => {
  if (WA_ID.test(id)) return 'waId';
  if (BUSINESS_SCOPED_USER_ID.test(id)) return 'userId';
  return undefined;
};

/** The ids a contact is known by; at least one is set. */
export interface UserIds {
  waId?: string;
  userId?: string;
}

export const userIdsOf = (id: string): UserIds | undefined => {
  const kind = classifyUserId(id);
  return kind === undefined ? undefined : { [kind]: id };
};

/** What an alias says: the contact an id belongs to, and the user's other id when known. */
export interface AliasRecord {
  contactId: string;
  waId?: string;
  userId?: string;
}

export interface ContactChoice {
  contactId: string;
  /** every id the user is known by, from the webhook and from the aliases */
  ids: UserIds;
  /** the aliases must be (re)written: both ids were seen together and do not both point at the contact yet */
  link: boolean;
  /**
   * Other contacts the user had (each id's own, or where its alias pointed), whose items must be
   * merged into this one before the aliases move: a link never orphans a window or a conversation.
   */
  merge: string[];
}

/**
 * Which contact a user belongs to when a webhook or a send names them. The user id's alias wins,
 * then the wa_id's; with no alias yet, two ids seen together go to the one whose window saw the
 * latest message (the user id on a tie of none), and a single id is its own contact. Ids the
 * webhook carries win over ids an alias remembers. Whichever wins, the other contact is merged into
 * it (every item of both is kept), so which one wins is a matter of fewer copies, not of what is kept.
 */
export const chooseContact = (input: {
  ids: UserIds;
  userIdAlias?: AliasRecord;
  waIdAlias?: AliasRecord;
  /** the windows of both ids as contacts of their own (read only when both ids are given) */
  windows?: readonly { contactId: string; lastInboundAt: number }[];
}): ContactChoice => {
  const { ids, userIdAlias, waIdAlias } = input;
  const first = ids.userId ?? ids.waId;
  if (first === undefined) throw new Error('a contact needs a wa_id or a business-scoped user id');
  const both = ids.waId !== undefined && ids.userId !== undefined;
  let contactId = userIdAlias?.contactId ?? waIdAlias?.contactId;
  if (contactId === undefined) {
    if (both) {
      const latest = [...(input.windows ?? [])].sort((a, b) => b.lastInboundAt - a.lastInboundAt)[0];
      contactId = latest ? latest.contactId : (ids.userId as string);
    } else {
      contactId = first;
    }
  }
  const waId = ids.waId ?? userIdAlias?.waId ?? waIdAlias?.waId;
  const userId = ids.userId ?? waIdAlias?.userId ?? userIdAlias?.userId;
  const known: UserIds = { ...(waId ? { waId } : {}), ...(userId ? { userId } : {}) };
  const linked = (alias: AliasRecord | undefined) =>
    alias?.contactId === contactId && alias.waId === known.waId && alias.userId === known.userId;
  const link = both && !(linked(userIdAlias) && linked(waIdAlias));
  const others = link
    ? [userIdAlias?.contactId ?? ids.userId, waIdAlias?.contactId ?? ids.waId].filter(
        (other): other is string => other !== undefined && other !== contactId,
      )
    : [];
  return { contactId, ids: known, link, merge: [...new Set(others)] };
};

/**
 * E.164 (https://www.itu.int/rec/T-REC-E.164): a country code of 1 to 3 digits, then the national
 * number, at most 15 digits in all. The shortest numbers WhatsApp users register, mobile numbers of
 * small territories such as Niue (+683) or Saint Helena (+290), are a 3-digit country code and a
 * 5-digit number: 8 digits. Fewer cannot hold both parts, and at 7 a local number without its
 * country code (`555-1234`) would pass for a whole one and reach Meta, which prepends the business
 * number's own country code to a number it reads without one
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages).
 */
export const PHONE_DIGITS = { min: 8, max: 15 } as const;

/** What a refused recipient is answered with: the form expected, with an example. */
export const RECIPIENT_FORM =
  `+15551234567: country code first (no leading 0), then the number, digits only (${PHONE_DIGITS.min} to ${PHONE_DIGITS.max} ` +
  'digits, no spaces, dashes or brackets; the "+" is optional), or a business-scoped user id such as ' +
  'US.13491208655302741918';

export interface Recipient {
  /** the number as digits only (`+` dropped, so both forms are the same number), or the user id */
  id: string;
  kind: UserIdKind;
}

/**
 * A recipient or user named by the API caller: an E.164 number with or without its `+`, or a
 * business-scoped user id; undefined when it is neither. One rule for every route.
 */
export const parseRecipient = (value: string): Recipient | undefined => {
  if (BUSINESS_SCOPED_USER_ID.test(value)) return { id: value, kind: 'userId' };
  const digits = value.startsWith('+') ? value.slice(1) : value;
  const fits = /^[1-9]\d*$/.test(digits) && digits.length >= PHONE_DIGITS.min && digits.length <= PHONE_DIGITS.max;
  return fits ? { id: digits, kind: 'waId' } : undefined;
};
