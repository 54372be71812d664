import { uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import { keys } from '#store/keys';
import { adapters } from '../support/adapters.ts';
import * as payloads from '../fixtures/payloads.ts';

const T = 1_770_000_000;

describe.each(adapters)('ConsentStore and InboundReceipts %s', (_, adapter) => {
  const { stores, item } = adapter();

  it('keeps the consent Meta signals, read back with the contact state', async () => {
    const contact = await stores.contacts.resolveContact(uniquePhoneNumberId(), { waId: uniqueWaId() });
    await stores.consent.applyConsent(contact, { kind: 'preference', value: 'stop', at: T });
    await stores.consent.applyConsent(contact, { kind: 'preference', value: 'resume', at: T - 1 });
    await stores.consent.applyConsent(contact, { kind: 'failure', code: 131049, at: T + 5 });
    expect((await stores.contacts.readContactState(contact.phoneNumberId, contact.contactId)).consent).toEqual({
      marketing: 'opted-out',
      changedAt: T,
      source: 'user_preferences',
      limitedUntil: T + 5 + 24 * 3600,
    });
  });

  it("marks a user's message read, never back in time, and no business message", async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const contact = await stores.contacts.resolveContact(phoneNumberId, { waId: uniqueWaId() });
    const message = {
      kind: 'inbound-message' as const,
      origin: { wabaId: 'w', phoneNumberId },
      user: contact.ids,
      id: payloads.wamid(),
      timestamp: T,
      type: 'text',
      errors: [],
      raw: {},
    };
    await stores.messages.recordInbound(contact, message, T + 100_000);
    expect(await stores.receipts.readInbound(message.id)).toEqual({
      phoneNumberId,
      contactId: contact.contactId,
      timestamp: T,
    });
    expect(await stores.receipts.readInbound('wamid.none')).toBeUndefined();
    await stores.receipts.recordRead(message.id, T + 10, true);
    await stores.receipts.recordRead(message.id, T + 5, false);
    expect(await item(keys.message(message.id))).toMatchObject({ status: 'read', readAt: T + 10, typingAt: T + 10 });
  });
});
