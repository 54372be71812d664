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
