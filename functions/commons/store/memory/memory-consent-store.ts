import { consentAfter, NO_CONSENT_RECORD, type ConsentSignal, type ConsentState } from '#domain/consent';
import type { ConsentStore } from '../consent-store';
import type { ContactRef } from '../contact-store';
import { consentItem, toConsentState } from '../items/consent';
import type { MemoryTable } from './memory-table';

export class MemoryConsentStore implements ConsentStore {
  constructor(private readonly table: MemoryTable) {}

  async applyConsent(contact: ContactRef, signal: ConsentSignal): Promise<ConsentState> {
    return this.apply(contact, signal);
  }

  /** synchronous, for the memory contact store's merge */
  apply(contact: ContactRef, signal: ConsentSignal): ConsentState {
    const key = consentItem.key(contact.phoneNumberId, contact.contactId);
    const item = this.table.get(key);
    const current = item ? toConsentState(item) : NO_CONSENT_RECORD;
    const next = consentAfter(current, signal);
    if (next !== current) this.table.put({ ...key, ...next, version: Number(item?.version ?? 0) + 1 });
    return next;
  }
}
