import { isConsentFailure, type ConsentSignal } from '#domain/consent';
import type { UserIds } from '#domain/identity';
import type { ConsentStore } from '#store/consent-store';
import type { ContactStore } from '#store/contact-store';
import type { StatusEvent, UserIdentity, UserPreferenceEvent } from '#webhook/events';

/**
 * What Meta tells about a user's marketing consent, onto the user's contact: a `user_preferences`
 * stop or resume, and a failed send with 131050 (opted out) or 131049 (per-user marketing limit).
 */
type Stores = { contacts: Pick<ContactStore, 'resolveContact'>; consent: ConsentStore };

const idsOf = (user: UserIdentity): UserIds => ({
  ...(user.waId === undefined ? {} : { waId: user.waId }),
  ...(user.userId === undefined ? {} : { userId: user.userId }),
});

const apply = async (stores: Stores, phoneNumberId: string, user: UserIdentity, signal: ConsentSignal) => {
  const contact = await stores.contacts.resolveContact(phoneNumberId, idsOf(user));
  await stores.consent.applyConsent(contact, signal);
};

/** Only marketing preferences are consent; another category Meta adds is ignored, not guessed. */
export const recordPreference = async (stores: Stores, event: UserPreferenceEvent): Promise<boolean> => {
  if (event.category !== 'marketing_messages' || (event.value !== 'stop' && event.value !== 'resume')) return false;
  await apply(stores, event.origin.phoneNumberId, event.user, {
    kind: 'preference',
    value: event.value,
    at: event.timestamp,
  });
  return true;
};

export const recordConsentFailures = async (stores: Stores, statuses: readonly StatusEvent[]): Promise<void> => {
  for (const status of statuses) {
    if (status.status !== 'failed' || (status.user.waId === undefined && status.user.userId === undefined)) continue;
    for (const error of status.errors) {
      if (!isConsentFailure(error.code)) continue;
      await apply(stores, status.origin.phoneNumberId, status.user, {
        kind: 'failure',
        code: error.code,
        at: status.timestamp,
      });
    }
  }
};
