import type { ConsentState } from '#domain/consent';
import type { TableKey } from '../table-schema';
import { CONTACT_PREFIX, contactPk } from './contact-partition';
import { declare } from './declaration';

/**
 * A contact's marketing consent (#domain/consent), in the contact's partition beside the window, so
 * the send path and the session route read it with the window in the same Query. No TTL: an opt-out
 * holds until the user resumes.
 */
export type ConsentItem = TableKey & ConsentState & { version: number };

const SK = 'CONSENT';

export const consentItem = declare({
  kind: 'consent',
  key: (phoneNumberId: string, contactId: string): TableKey => ({ pk: contactPk(phoneNumberId, contactId), sk: SK }),
  matches: ({ pk, sk }) => pk.startsWith(CONTACT_PREFIX) && sk === SK,
  accessPatterns: [
    /** PutItem under the version read, after a user_preferences webhook or a 131050/131049 failure */
    'apply',
    /** Query of the contact's partition, with its window and conversations */
    'readContact',
  ],
});

export const isConsentKey = (pk: string, sk: string): boolean => consentItem.matches({ pk, sk });

export const toConsentState = (item: Record<string, unknown>): ConsentState => ({
  marketing: item.marketing === 'opted-out' ? 'opted-out' : 'subscribed',
  ...(typeof item.changedAt === 'number' ? { changedAt: item.changedAt } : {}),
  ...(item.source === 'user_preferences' || item.source === 'failed-send' ? { source: item.source } : {}),
  ...(typeof item.limitedUntil === 'number' ? { limitedUntil: item.limitedUntil } : {}),
});
