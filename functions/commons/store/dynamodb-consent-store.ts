import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { consentAfter, NO_CONSENT_RECORD, type ConsentSignal, type ConsentState } from '#domain/consent';
import type { ConsentStore } from './consent-store';
import type { ContactRef } from './contact-store';
import { consentItem, toConsentState } from './items/consent';
import { putUnderVersion } from './versioned-put';

/** Consent items on the single table: read, decided by the domain, put under the version read. */
export class DynamoDbConsentStore implements ConsentStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async applyConsent(contact: ContactRef, signal: ConsentSignal): Promise<ConsentState> {
    let decided: ConsentState = NO_CONSENT_RECORD;
    await putUnderVersion(
      this.client,
      this.tableName,
      consentItem.key(contact.phoneNumberId, contact.contactId),
      (item) => {
        const current = item ? toConsentState(item) : NO_CONSENT_RECORD;
        decided = consentAfter(current, signal);
        return decided === current ? undefined : { ...decided };
      },
    );
    return decided;
  }
}
