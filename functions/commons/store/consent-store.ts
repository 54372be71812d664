import type { ConsentSignal, ConsentState } from '#domain/consent';
import type { ContactRef } from './contact-store';

/**
 * Marketing consent per contact: the one writer of consent items. Read with the contact's state
 * (ContactStore.readContactState), written here from Meta's signals.
 */
export interface ConsentStore {
  /** The consent after Meta's signal (#domain/consent.consentAfter), written under the version read. */
  applyConsent(contact: ContactRef, signal: ConsentSignal): Promise<ConsentState>;
}
