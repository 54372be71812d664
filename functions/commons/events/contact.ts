import { classifyUserId, type UserIds } from '#domain/identity';

/** `CONTACT#<phoneNumberId>#<contactId>` and `USER#<phoneNumberId>#<id>`: the number, then the id. */
export const splitContactKey = (pk: string, prefix: string): { phoneNumberId: string; id: string } | undefined => {
  if (!pk.startsWith(prefix)) return undefined;
  const rest = pk.slice(prefix.length);
  const at = rest.indexOf('#');
  if (at <= 0 || at === rest.length - 1) return undefined;
  return { phoneNumberId: rest.slice(0, at), id: rest.slice(at + 1) };
};

/** A contact id is the first id we saw the user by: a wa_id or a business-scoped user id. */
export const contactOfId = (id: string): UserIds => (classifyUserId(id) === 'userId' ? { userId: id } : { waId: id });

/** Only the two ids, dropping anything else an image holds beside them. */
export const contactOf = (ids: { waId?: unknown; userId?: unknown } | undefined, fallbackId?: string): UserIds => {
  const waId = typeof ids?.waId === 'string' ? ids.waId : undefined;
  const userId = typeof ids?.userId === 'string' ? ids.userId : undefined;
  if (!waId && !userId) return fallbackId ? contactOfId(fallbackId) : {};
  return { ...(waId ? { waId } : {}), ...(userId ? { userId } : {}) };
};
