import { cutToBytes, rawJson, MAX_RAW_BYTES } from './raw-copy';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('raw copies', () => {
  it('keeps text within the byte limit as it is, at the byte', () => {
    expect(cutToBytes('abc', 3)).toBe('abc');
    expect(cutToBytes('abcd', 3)).toBe('abc');
  });
  it('cuts by UTF-8 bytes, never inside a character', () => {
    expect(cutToBytes('€€', 6)).toBe('€€');
    expect(cutToBytes('€€', 5)).toBe('€');
    expect(cutToBytes('€€', 3)).toBe('€');
    expect(cutToBytes('€€', 2)).toBe('');
    expect(cutToBytes('a😀b', 5)).toBe('a😀');
    expect(cutToBytes('a😀b', 4)).toBe('a');
  });
  it('keeps a raw copy of 3-byte characters under the limit in bytes, and says it was cut', () => {
    const raw = rawJson({ text: '€'.repeat(200_000) });
    expect(bytes(raw.text)).toBeLessThanOrEqual(MAX_RAW_BYTES);
    expect(bytes(raw.text)).toBeGreaterThan(MAX_RAW_BYTES - 3);
    expect(raw.truncated).toBe(true);
    expect(rawJson({ text: 'short' })).toEqual({ text: '{"text":"short"}', truncated: false });
  });
});
