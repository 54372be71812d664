import { createHash } from 'node:crypto';

/**
 * SHA-256 (hex) of an id: a stable, one-way pseudonym for items that outlive the message retention,
 * which may not name a user in clear (a contact id is a phone number or a business-scoped user id; a
 * wamid carries the user's phone number, base64-encoded). Anyone holding an id finds its item by
 * hashing it (`printf %s "$id" | sha256sum`); there is no key to keep or rotate. Unkeyed, it hides an
 * id from a reader of the table, not from one who hashes guessed phone numbers one by one.
 */
export const idHash = (id: string): string => createHash('sha256').update(id, 'utf8').digest('hex');
