import { maskId } from './redact';

describe('maskId', () => {
  it('keeps only the last four characters of a phone number', () => {
    expect(maskId('15551234567')).toBe('*******4567');
    expect(maskId('15551234567')).not.toContain('1555');
  });
  it('masks business-scoped user ids and short ids entirely but the tail', () => {
    expect(maskId('US.13491208655302741918')).toBe('********1918');
    expect(maskId('123')).toBe('***');
    expect(maskId(undefined)).toBeUndefined();
  });
});
