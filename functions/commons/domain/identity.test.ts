import { chooseContact, classifyUserId, parseRecipient, PHONE_DIGITS, RECIPIENT_FORM, userIdsOf } from './identity';

describe('user ids', () => {
  it('tells a phone-based wa_id from a business-scoped user id', () => {
    expect(classifyUserId('15551234567')).toBe('waId');
    expect(classifyUserId('US.13491208655302741918')).toBe('userId');
    expect(userIdsOf('972987654321')).toEqual({ waId: '972987654321' });
    expect(userIdsOf('US.13491208655302741918')).toEqual({ userId: 'US.13491208655302741918' });
  });
  it('refuses what is neither', () => {
    for (const id of ['', '+15551234567', '1555 1234', 'abc', '12', 'us.123', '../etc', 'US.']) {
      expect(classifyUserId(id)).toBeUndefined();
    }
  });
});

describe('a recipient named by the API caller', () => {
  const digits = (length: number) => '1' + '5'.repeat(length - 1);

  it('is the same number with and without its +', () => {
    expect(parseRecipient('+15551234567')).toEqual({ id: '15551234567', kind: 'waId' });
    expect(parseRecipient('15551234567')).toEqual({ id: '15551234567', kind: 'waId' });
  });
  it('takes 8 digits and refuses 7 (too short for a country code and a number)', () => {
    expect(PHONE_DIGITS.min).toBe(8);
    expect(parseRecipient(digits(8))).toEqual({ id: digits(8), kind: 'waId' });
    expect(parseRecipient(`+${digits(8)}`)).toEqual({ id: digits(8), kind: 'waId' });
    expect(parseRecipient(digits(7))).toBeUndefined();
    expect(parseRecipient(`+${digits(7)}`)).toBeUndefined();
  });
  it('takes 15 digits and refuses 16 (the longest E.164 number)', () => {
    expect(parseRecipient(digits(15))).toEqual({ id: digits(15), kind: 'waId' });
    expect(parseRecipient(digits(16))).toBeUndefined();
  });
  it('refuses separators, a local number without its country code and a leading 0', () => {
    for (const bad of [
      '555-1234',
      '5551234',
      '+1 555 123 4567',
      '+1-555-123-4567',
      '(555) 1234567',
      ' 15551234567',
      '15551234567 ',
      '++15551234567',
      '+',
      '',
      '05551234567',
      '1555123456a',
      '+US.1349',
    ]) {
      expect(parseRecipient(bad)).toBeUndefined();
    }
  });
  it('takes a business-scoped user id as it is', () => {
    expect(parseRecipient('US.13491208655302741918')).toEqual({ id: 'US.13491208655302741918', kind: 'userId' });
  });
  it('names the expected form with an example', () => {
    expect(RECIPIENT_FORM.startsWith('+15551234567: country code first')).toBe(true);
  });
});

describe('which contact wins when two ids meet', () => {
  const waId = '15551234567';
  const userId = 'US.13491208655302741918';

  it('is the id itself for a single id never seen', () => {
    expect(chooseContact({ ids: { waId } })).toEqual({ contactId: waId, ids: { waId }, link: false, merge: [] });
    expect(chooseContact({ ids: { userId } })).toEqual({ contactId: userId, ids: { userId }, link: false, merge: [] });
  });
  it("follows the user id's alias before the wa_id's", () => {
    const choice = chooseContact({
      ids: { waId, userId },
      userIdAlias: { contactId: 'from-user-id', userId },
      waIdAlias: { contactId: 'from-wa-id', waId },
    });
    expect(choice.contactId).toBe('from-user-id');
    expect(choice.link).toBe(true);
    expect(choice.merge).toEqual(['from-wa-id']);
  });
  it("follows the wa_id's alias when the user id has none, and learns the ids the alias remembers", () => {
    expect(chooseContact({ ids: { waId }, waIdAlias: { contactId: waId, waId, userId } })).toEqual({
      contactId: waId,
      ids: { waId, userId },
      link: false,
      merge: [],
    });
  });
  it('keeps the window with the latest message when both ids are new together, at the second', () => {
    const windows = (wa: number, user: number) => [
      { contactId: waId, lastInboundAt: wa },
      { contactId: userId, lastInboundAt: user },
    ];
    expect(chooseContact({ ids: { waId, userId }, windows: windows(101, 100) }).contactId).toBe(waId);
    expect(chooseContact({ ids: { waId, userId }, windows: windows(99, 100) }).contactId).toBe(userId);
    expect(chooseContact({ ids: { waId, userId }, windows: [] }).contactId).toBe(userId);
    expect(chooseContact({ ids: { waId, userId } }).link).toBe(true);
  });
  it('merges the contact that does not win into the one that does, never orphaning it', () => {
    // a template went to the number (contact = wa_id), then the user wrote with both ids
    expect(chooseContact({ ids: { waId, userId } })).toMatchObject({ contactId: userId, merge: [waId] });
    expect(chooseContact({ ids: { waId, userId }, windows: [{ contactId: waId, lastInboundAt: 5 }] })).toMatchObject({
      contactId: waId,
      merge: [userId],
    });
    const alias = { contactId: waId, waId, userId };
    expect(chooseContact({ ids: { waId, userId }, userIdAlias: alias, waIdAlias: alias }).merge).toEqual([]);
  });
  it('links nothing when both aliases already point at the contact with both ids', () => {
    const alias = { contactId: waId, waId, userId };
    expect(chooseContact({ ids: { waId, userId }, userIdAlias: alias, waIdAlias: alias }).link).toBe(false);
    expect(
      chooseContact({ ids: { waId, userId }, userIdAlias: alias, waIdAlias: { contactId: waId, waId } }).link,
    ).toBe(true);
  });
  it('prefers the ids the webhook carries over those an alias remembers', () => {
    const choice = chooseContact({ ids: { waId: '15550000000' }, waIdAlias: { contactId: waId, waId, userId } });
    expect(choice.ids).toEqual({ waId: '15550000000', userId });
  });
  it('refuses a user without any id', () => {
    expect(() => chooseContact({ ids: {} })).toThrow(/wa_id or a business-scoped user id/);
  });
});
