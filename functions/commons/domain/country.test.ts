import { countryOf, UNKNOWN_COUNTRY } from './country';

describe('country of a user', () => {
  it('comes from the phone number, prefixes included', () => {
    expect(countryOf({ waId: '16505551234' })).toBe('US');
    expect(countryOf({ waId: '18095551234' })).toBe('DO');
    expect(countryOf({ waId: '5511987654321' })).toBe('BR');
    expect(countryOf({ waId: '919876543210' })).toBe('IN');
    expect(countryOf({ waId: '77012345678' })).toBe('KZ');
    expect(countryOf({ waId: '972987654321' })).toBe('IL');
  });
  it("falls back to the calling code's main country for numbers outside any plan", () => {
    expect(countryOf({ waId: '15551234567' })).toBe('US');
    expect(countryOf({ waId: '447700900123' })).toBe('GB');
  });
  it('uses the prefix of a business-scoped user id when there is no phone number', () => {
    expect(countryOf({ userId: 'BR.13491208655302741918' })).toBe('BR');
    expect(countryOf({ waId: '16505551234', userId: 'BR.1349' })).toBe('US');
  });
  it('says unknown when neither tells', () => {
    expect(countryOf({ waId: '99999' })).toBe(UNKNOWN_COUNTRY);
    expect(countryOf({})).toBe(UNKNOWN_COUNTRY);
  });
});
