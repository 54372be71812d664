import { classifyUserId, userIdsOf } from './identity';

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
