import type { ConsentState } from '#domain/consent';
import type { TableKey } from '../table-schema';
import { contactPartition } from './contact-partition';
import { declare, present } from './declaration';

/**
 * A contact's marketing consent (#domain/consent), in the contact's partition beside the window, so
 * the send path and the session route read it with the window in the same Query. No TTL: an opt-out
 * holds until the user resumes.
 */
export type ConsentItem = TableKey & ConsentState & { version: number };

export const consentItem = declare({
  kind: 'consent',
  pk: contactPartition,
  sk: 'CONSENT',
  accessPatterns: [
    /** PutItem under the version read, after a user_preferences webhook or a 131050/131049 failure */
    'apply',
    /** Query of the contact's partition, with its window and conversations */
    'readContact',
  ],
});

export const isConsentKey = consentItem.is;

export const toConsentState = (item: Record<string, unknown>): ConsentState => ({
  marketing: item.marketing === 'opted-out' ? 'opted-out' : 'subscribed',
  ...present(item, 'number', 'changedAt', 'limitedUntil'),
  ...(item.source === 'user_preferences' || item.source === 'failed-send' ? { source: item.source } : {}),
});
