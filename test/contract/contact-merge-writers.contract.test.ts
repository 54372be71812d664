import { keys } from '#store/keys';
import { adapters } from '../support/adapters.ts';
import { uniquePhoneNumberId, uniqueWaId } from '../support/environment.ts';

const T = 1_760_000_000;

/**
 * Writers that resolved a contact before a merge moved it: their window writes reach the contact it
 * was merged into (the merge seals the merged contact's window on its revision), and the message
 * goes where the window went. Without the seal each of these lands in a window nobody reads.
 */
describe.each(adapters)('ContactStore merges and late writers %s', (_, adapter) => {
  const clock = { now: T };
  const { stores, item } = adapter({ clock: () => clock.now, retentionDays: 30 });
  const { contacts } = stores;

  /** The number's contact (window at T - 100) and the user id's (window at T), then both ids together. */
  const mergedUser = async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const userId = `US.${waId}`;
    const byNumber = await contacts.resolveContact(phoneNumberId, { waId });
    await contacts.extendWindow(byNumber, T - 100);
    const byUserId = await contacts.resolveContact(phoneNumberId, { userId });
    await contacts.extendWindow(byUserId, T);
    // What a writer that resolved the number alone read before the merge: its contact and window.
    const stale = await contacts.resolveContact(phoneNumberId, { waId });
    expect(await contacts.resolveContact(phoneNumberId, { waId, userId })).toMatchObject({ contactId: userId });
    return { phoneNumberId, waId, userId, stale };
  };

  it("seals the merged contact's window with the contact it moved into, keeping its state", async () => {
    const { phoneNumberId, waId, userId } = await mergedUser();
    expect(await item(keys.window(phoneNumberId, waId))).toMatchObject({
      lastInboundAt: T - 100,
      mergedInto: userId,
      rev: 2,
    });
  });

  it('writes a message of a writer holding the merged contact into the window it was merged into', async () => {
    const { phoneNumberId, waId, userId, stale } = await mergedUser();
    const recorded = await contacts.recordInboundAt({ phoneNumberId, contactId: waId, ids: { waId } }, T + 10);
    expect(recorded).toMatchObject({ moved: true, known: false, into: { contactId: userId } });
    expect((await contacts.readContactState(phoneNumberId, userId)).window).toMatchObject({
      lastInboundAt: T + 10,
      inboundAt: [T - 100, T, T + 10],
    });
    // One that read the window before the merge sealed it: its put fails on the revision, then follows.
    expect(stale.windowRead).toEqual({ window: expect.objectContaining({ lastInboundAt: T - 100 }), rev: 1 });
    const late = await contacts.recordInboundAt(stale, T + 20, stale.windowRead ? { read: stale.windowRead } : {});
    expect(late.into?.contactId).toBe(userId);
    expect((await contacts.readContactState(phoneNumberId, userId)).window?.lastInboundAt).toBe(T + 20);
    expect(await item(keys.window(phoneNumberId, waId))).toMatchObject({ lastInboundAt: T - 100 });
  });

  it('answers a redelivery to the merged contact as known, and writes nothing', async () => {
    const { phoneNumberId, waId, userId } = await mergedUser();
    const recorded = await contacts.recordInboundAt({ phoneNumberId, contactId: waId, ids: { waId } }, T);
    expect(recorded).toMatchObject({ moved: false, known: true, into: { contactId: userId } });
  });

  it('closes the window it was merged into when Meta refuses a send to the merged contact (131047)', async () => {
    const { phoneNumberId, waId, userId } = await mergedUser();
    await contacts.closeWindow({ phoneNumberId, contactId: waId, ids: { waId } }, T + 5);
    expect((await contacts.readContactState(phoneNumberId, userId)).window?.closedAt).toBe(T + 5);
    expect(await item(keys.window(phoneNumberId, waId))).not.toHaveProperty('closedAt');
  });

  it('merges a window-less contact without sealing anything', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const userId = `US.${waId}`;
    await contacts.resolveContact(phoneNumberId, { waId });
    await contacts.extendWindow(await contacts.resolveContact(phoneNumberId, { userId }), T);
    await contacts.resolveContact(phoneNumberId, { waId, userId });
    expect(await item(keys.window(phoneNumberId, waId))).toBeUndefined();
  });
});
