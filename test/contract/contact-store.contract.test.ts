import { ownConversationId } from '#domain/delivery';
import { conversationExpiry } from '#domain/conversation';
import { retentionSeconds } from '#domain/platform';
import { DAY } from '#domain/time';
import { keys } from '#store/keys';
import type { InboundMessageEvent } from '#webhook/events';
import { adapters } from '../support/adapters.ts';
import { uniquePhoneNumberId, uniqueWaId } from '../support/environment.ts';
import { conversationCommit } from './fixtures.ts';

const T = 1_760_000_000;
const userIdOf = (waId: string) => `US.${waId}`;

const RETENTION_DAYS = 30;

describe.each(adapters)('ContactStore %s', (_, adapter) => {
  const clock = { now: T };
  const { stores, item } = adapter({ clock: () => clock.now, retentionDays: RETENTION_DAYS });
  beforeEach(() => {
    clock.now = T;
  });
  const { contacts } = stores;

  /**
   * One user known by two contacts not merged yet: the number's, whose window opened at T - 100, and
   * the user id's, whose window is the later one (T), so the user id's wins when both ids meet.
   */
  const oneUserTwoContacts = async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const userId = userIdOf(waId);
    const byNumber = await contacts.resolveContact(phoneNumberId, { waId });
    await contacts.extendWindow(byNumber, T - 100);
    const byUserId = await contacts.resolveContact(phoneNumberId, { userId });
    await contacts.extendWindow(byUserId, T);
    return { phoneNumberId, waId, userId, byNumber, byUserId };
  };

  /**
   * What resolving `waId` alone gives when no alias joins it to anyone: a contact of its own, with
   * no window where the same read looked (`windowRead`).
   */
  const ownContact = (phoneNumberId: string, waId: string) => ({
    phoneNumberId,
    contactId: waId,
    ids: { waId },
    windowRead: {},
  });

  it('makes a single new id its own contact, and links nothing', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    expect(await contacts.resolveContact(phoneNumberId, { waId })).toEqual(ownContact(phoneNumberId, waId));
    expect(await item(keys.userAlias(phoneNumberId, waId))).toBeUndefined();
  });

  it('links two ids seen together to the user id, and finds that contact by either id later', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const userId = userIdOf(waId);
    const contact = await contacts.resolveContact(phoneNumberId, { waId, userId });
    expect(contact).toEqual({ phoneNumberId, contactId: userId, ids: { waId, userId } });
    expect(await item(keys.userAlias(phoneNumberId, waId))).toEqual({
      ...keys.userAlias(phoneNumberId, waId),
      contactId: userId,
      waId,
      userId,
      expiresAt: T + retentionSeconds(RETENTION_DAYS),
    });
    expect(await contacts.resolveContact(phoneNumberId, { waId })).toEqual(contact);
  });

  it('keeps an alias for the message retention, and forgets it from the second it expires', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const userId = userIdOf(waId);
    const linked = await contacts.resolveContact(phoneNumberId, { waId, userId });
    const expiresAt = T + retentionSeconds(RETENTION_DAYS);
    clock.now = expiresAt - 1;
    expect((await contacts.readSession(phoneNumberId, { waId })).ids).toEqual({ waId, userId });
    clock.now = expiresAt;
    expect((await contacts.readSession(phoneNumberId, { waId })).ids).toEqual({ waId });
    // Past its expiry (DynamoDB's TTL deletes lazily) the phone number alone is a contact of its own.
    expect(await contacts.resolveContact(phoneNumberId, { waId })).toEqual(ownContact(phoneNumberId, waId));
    expect(linked.contactId).toBe(userId);
  });

  it("answers the session route's read alone (sessionReads) as the whole store, a merged contact's too", async () => {
    const { phoneNumberId, waId, userId } = await oneUserTwoContacts();
    // Both ids together: the number's contact merges into the user id's and leaves a marker.
    await contacts.resolveContact(phoneNumberId, { waId, userId });
    const both = async (ids: { waId?: string; userId?: string }) => {
      const whole = await contacts.readSession(phoneNumberId, ids);
      expect(await stores.sessions.readSession(phoneNumberId, ids)).toEqual(whole);
      return whole;
    };
    expect(await both({ waId })).toMatchObject({ ids: { waId, userId }, window: { lastInboundAt: T } });
    expect((await both({ userId })).movedTo).toBeUndefined();
    // Past the alias's expiry the number's own partition is read: its marker leads to the user id's.
    clock.now = T + retentionSeconds(RETENTION_DAYS);
    expect(await both({ waId })).toMatchObject({ ids: { waId }, movedTo: userId, window: { lastInboundAt: T } });
  });

  it('moves the expiry of both aliases on when the user is seen again, once a day at most', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const userId = userIdOf(waId);
    await contacts.resolveContact(phoneNumberId, { waId, userId });
    const first = T + retentionSeconds(RETENTION_DAYS);
    const expiries = async () => [
      (await item(keys.userAlias(phoneNumberId, waId)))?.expiresAt,
      (await item(keys.userAlias(phoneNumberId, userId)))?.expiresAt,
    ];
    clock.now = T + DAY - 1;
    await contacts.resolveContact(phoneNumberId, { waId });
    expect(await expiries()).toEqual([first, first]);
    clock.now = T + DAY;
    expect(await contacts.resolveContact(phoneNumberId, { waId })).toMatchObject({ contactId: userId });
    expect(await expiries()).toEqual([first + DAY, first + DAY]);
    // Seen by the user id alone 29 days later, the user still is the same contact, now for 30 more days.
    clock.now = T + 29 * DAY;
    expect(await contacts.resolveContact(phoneNumberId, { userId })).toMatchObject({ contactId: userId });
    expect(await expiries()).toEqual([first + 29 * DAY, first + 29 * DAY]);
  });

  it('keeps the window that exists when two ids are first seen together', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    await contacts.extendWindow({ phoneNumberId, contactId: waId, ids: { waId } }, T);
    const contact = await contacts.resolveContact(phoneNumberId, { waId, userId: userIdOf(waId) });
    expect(contact.contactId).toBe(waId);
    expect((await contacts.readSession(phoneNumberId, { userId: userIdOf(waId) })).window?.lastInboundAt).toBe(T);
  });

  it('moves the window only for a newer message, to 24 h after it', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const contact = await contacts.resolveContact(phoneNumberId, { waId: uniqueWaId() });
    expect(await contacts.extendWindow(contact, T)).toBe(true);
    expect(await contacts.extendWindow(contact, T)).toBe(false);
    expect(await contacts.extendWindow(contact, T - 1)).toBe(false);
    expect(await contacts.extendWindow(contact, T + 1)).toBe(true);
    // The late older message moved nothing but joined the window's recent instants.
    expect((await contacts.readContactState(phoneNumberId, contact.contactId)).window).toEqual({
      lastInboundAt: T + 1,
      expiresAt: T + 1 + DAY,
      inboundAt: [T - 1, T, T + 1],
    });
    expect(await item(keys.window(phoneNumberId, contact.contactId))).toEqual({
      ...keys.window(phoneNumberId, contact.contactId),
      lastInboundAt: T + 1,
      expiresAt: T + 1 + DAY,
      inboundAt: [T - 1, T, T + 1],
      rev: 3,
    });
  });

  it('says what a user message did: moved, the window before, or known already; keeps the latest referral', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const contact = await contacts.resolveContact(phoneNumberId, { waId: uniqueWaId() });
    expect(await contacts.recordInboundAt(contact, T, { referral: true })).toEqual({ moved: true, known: false });
    const before = { lastInboundAt: T, expiresAt: T + DAY, inboundAt: [T], referralAt: T };
    expect(await contacts.recordInboundAt(contact, T - 5)).toEqual({ moved: false, before, known: false });
    expect((await contacts.recordInboundAt(contact, T - 5)).known).toBe(true);
    expect((await contacts.readContactState(phoneNumberId, contact.contactId)).window?.referralAt).toBe(T);
  });

  it('answers the window the resolve read with the aliases, and a user message written from it lands on its revision', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const first = await contacts.resolveContact(phoneNumberId, { waId });
    expect(first.windowRead).toEqual({});
    expect(await contacts.recordInboundAt(first, T, { read: {} })).toEqual({ moved: true, known: false });
    const again = await contacts.resolveContact(phoneNumberId, { waId });
    expect(again.windowRead).toEqual({ window: { lastInboundAt: T, expiresAt: T + DAY, inboundAt: [T] }, rev: 1 });
    expect(await contacts.recordInboundAt(again, T + 60, { read: again.windowRead })).toEqual({
      moved: true,
      before: { lastInboundAt: T, expiresAt: T + DAY, inboundAt: [T] },
      known: false,
    });
    expect((await contacts.readContactState(phoneNumberId, waId)).windowRev).toBe(2);
  });

  it('writes a user message on the window as it is when what the resolve read has gone stale', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const contact = await contacts.resolveContact(phoneNumberId, { waId });
    const stale = contact.windowRead;
    await contacts.recordInboundAt(contact, T);
    // another writer came in between: the put on the stale read fails, the window is read again
    expect(await contacts.recordInboundAt(contact, T + 60, { ...(stale ? { read: stale } : {}) })).toEqual({
      moved: true,
      before: { lastInboundAt: T, expiresAt: T + DAY, inboundAt: [T] },
      known: false,
    });
    const state = await contacts.readContactState(phoneNumberId, waId);
    expect(state.window?.inboundAt).toEqual([T, T + 60]);
    expect(state.windowRev).toBe(2);
  });

  it('answers no window read when a merge wrote the window after the read', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const userId = userIdOf(waId);
    await contacts.extendWindow(await contacts.resolveContact(phoneNumberId, { waId }), T - 100);
    await contacts.extendWindow(await contacts.resolveContact(phoneNumberId, { userId }), T);
    expect((await contacts.resolveContact(phoneNumberId, { waId, userId })).windowRead).toBeUndefined();
  });

  it('merges the contact that loses a link into the one that wins: windows and conversations of both', async () => {
    const { phoneNumberId, waId, userId } = await oneUserTwoContacts();
    // both ids together: the user id's window is the latest, so it wins and the number's is merged in
    const merged = await contacts.resolveContact(phoneNumberId, { waId, userId });
    expect(merged.contactId).toBe(userId);
    const state = await contacts.readContactState(phoneNumberId, userId);
    expect(state.window?.inboundAt).toEqual([T - 100, T]);
    // what still names the old contact finds the merged one
    expect((await contacts.readContactState(phoneNumberId, waId)).movedTo).toBe(userId);
    expect((await contacts.readContactState(phoneNumberId, waId)).window?.lastInboundAt).toBe(T);
    // a repeat changes nothing
    await contacts.resolveContact(phoneNumberId, { waId, userId });
    expect((await contacts.readContactState(phoneNumberId, userId)).window?.inboundAt).toEqual([T - 100, T]);
  });

  it("moves the losing contact's message history and pair rate with the merge, once", async () => {
    const { phoneNumberId, waId, userId, byNumber } = await oneUserTwoContacts();
    const inbound = {
      kind: 'inbound-message',
      id: `wamid.in.${waId}`,
      type: 'text',
      timestamp: T - 100,
      origin: { phoneNumberId },
      user: { waId },
      raw: { text: 'hi' },
    } as unknown as InboundMessageEvent;
    await stores.messages.recordInbound(byNumber, inbound, T + 30 * DAY);
    const sent = `wamid.out.${waId}`;
    await stores.messages.commitMessage(conversationCommit(byNumber, sent, T - 50));
    // two sends to the number at T - 1: a backlog of 11 s at T; one to the user id: 5 s
    const limit = { interval: 6, burst: 2 };
    for (let i = 0; i < 2; i++) await stores.pacing.takePairSlot(phoneNumberId, waId, T - 1, limit);
    await stores.pacing.takePairSlot(phoneNumberId, userId, T - 1, limit);
    clock.now = T;
    await contacts.resolveContact(phoneNumberId, { waId, userId });
    // the number's messages are the merged user's history now
    const merged = { phoneNumberId, contactId: userId };
    const userMessages = async (contact: { phoneNumberId: string; contactId: string }) =>
      (await stores.messages.readHistory(contact, { window: { from: T - DAY, to: T } })).windowFacts;
    expect(await userMessages(merged)).toEqual([{ kind: 'inbound', at: T - 100 }]);
    const { deliveries } = await stores.messages.readHistory(merged, { deliveries: { from: T - DAY, to: T } });
    expect(deliveries.map((d) => d.wamid)).toEqual([sent]);
    expect(await userMessages({ phoneNumberId, contactId: waId })).toEqual([]);
    expect((await stores.messages.readMessage(sent))?.state.contactId).toBe(userId);
    // the record moved on a new version: a fold that read the old one retries on the moved record
    expect((await stores.messages.readMessage(sent))?.version).toBe(2);
    // both ids' sends pace the one user: 16 s of backlog at T, the burst of 2 spent (alone, the user id's would allow it)
    expect(await stores.pacing.takePairSlot(phoneNumberId, userId, T, limit)).toEqual({
      allowed: false,
      retryAfter: 10,
    });
    expect(await item(keys.pairPace(phoneNumberId, waId))).toBeUndefined();
    // a repeat of the merge moves and counts nothing again
    await contacts.resolveContact(phoneNumberId, { waId, userId });
    expect((await stores.messages.readMessage(sent))?.version).toBe(2);
    expect(await stores.pacing.takePairSlot(phoneNumberId, userId, T, limit)).toEqual({
      allowed: false,
      retryAfter: 10,
    });
  });

  it("moves the losing contact's marketing consent with the merge: a stop under the number holds under the user id", async () => {
    const { phoneNumberId, waId, userId, byNumber, byUserId } = await oneUserTwoContacts();
    await stores.consent.applyConsent(byNumber, { kind: 'preference', value: 'stop', at: T - 100 });
    await stores.consent.applyConsent(byUserId, { kind: 'failure', code: 131049, at: T - 50 });
    await contacts.resolveContact(phoneNumberId, { waId, userId });
    const expected = {
      marketing: 'opted-out',
      changedAt: T - 100,
      source: 'user_preferences',
      limitedUntil: T - 50 + DAY,
    };
    expect((await contacts.readContactState(phoneNumberId, userId)).consent).toEqual(expected);
    expect((await contacts.readContactState(phoneNumberId, waId)).consent).toEqual(expected);
  });

  it("links the number as written to Meta's wa_id from a send answer, so both find the same window", async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const metaWaId = uniqueWaId();
    const written = `${metaWaId}9`;
    const user = await contacts.resolveContact(phoneNumberId, { waId: metaWaId });
    await contacts.extendWindow(user, T);
    const asWritten = await contacts.resolveContact(phoneNumberId, { waId: written });
    const linked = await contacts.linkSentTo(asWritten, metaWaId);
    expect(linked.contactId).toBe(metaWaId);
    const again = await contacts.resolveContact(phoneNumberId, { waId: written });
    expect(again.contactId).toBe(metaWaId);
    expect((await contacts.readContactState(phoneNumberId, again.contactId)).window?.lastInboundAt).toBe(T);
    expect(await contacts.linkSentTo(again, again.ids.waId ?? '')).toEqual(again);
  });

  it('closes an existing window only, and only with a later refusal', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const contact = await contacts.resolveContact(phoneNumberId, { waId: uniqueWaId() });
    await contacts.closeWindow(contact, T);
    expect(await contacts.readContactState(phoneNumberId, contact.contactId)).toEqual({ conversations: [] });
    await contacts.extendWindow(contact, T);
    await contacts.closeWindow(contact, T + 10);
    await contacts.closeWindow(contact, T + 10);
    await contacts.closeWindow(contact, T + 9);
    expect((await contacts.readContactState(phoneNumberId, contact.contactId)).window?.closedAt).toBe(T + 10);
    await contacts.closeWindow(contact, T + 11);
    expect((await contacts.readContactState(phoneNumberId, contact.contactId)).window?.closedAt).toBe(T + 11);
  });

  it('points a changed id at the existing contact, so the session route finds its window by it', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const contact = await contacts.resolveContact(phoneNumberId, { waId });
    await contacts.extendWindow(contact, T);
    const newWaId = uniqueWaId();
    await contacts.linkIds(contact, { waId: newWaId });
    const session = await contacts.readSession(phoneNumberId, { waId: newWaId });
    expect(session.window?.lastInboundAt).toBe(T);
    expect((await contacts.resolveContact(phoneNumberId, { waId: newWaId })).contactId).toBe(waId);
  });

  it("reads the conversations the message ledger writes into the contact's partition", async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const contact = await contacts.resolveContact(phoneNumberId, { waId: uniqueWaId() });
    expect(await stores.messages.commitMessage(conversationCommit(contact, 'wamid.c1', T))).toBe('committed');
    expect((await contacts.readContactState(phoneNumberId, contact.contactId)).conversations).toEqual([
      {
        id: ownConversationId('wamid.c1'),
        category: 'marketing',
        origin: 'business_initiated',
        openedAt: T,
        expiresAt: conversationExpiry(T),
      },
    ]);
  });
});
