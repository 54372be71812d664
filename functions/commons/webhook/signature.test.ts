import { readFileSync } from 'node:fs';
import { signBody, verifySignature } from './signature';

interface SignatureVector {
  app_secret: string;
  body: string;
  x_hub_signature_256: string;
}

const vectors = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/meta/signature_vectors.json', import.meta.url), 'utf8'),
) as SignatureVector[];

const vector = (index: number): SignatureVector => {
  const found = vectors[index];
  if (!found) throw new Error(`signature vector ${index} missing`);
  return found;
};

const SECRET = 'app-secret-for-tests';

describe('verifySignature', () => {
  it('accepts the Meta SDK vector, computed over the UTF-8 body', () => {
    const v = vector(0);
    expect(verifySignature(Buffer.from(v.body, 'utf8'), v.x_hub_signature_256, v.app_secret)).toBe(true);
  });

  it('accepts the unicode vector only through the \\uXXXX-escaped form', () => {
    const v = vector(1);
    const body = Buffer.from(v.body, 'utf8');
    // the plain UTF-8 HMAC is a different value: the match must come from the escaped fallback
    expect(signBody(body, v.app_secret)).not.toBe(v.x_hub_signature_256);
    expect(signBody(body, v.app_secret)).toBe(
      'sha256=5ab50fefd5b7b7258964d9825904e7916acb73fe8030123871485627791ffbde',
    );
    expect(verifySignature(body, v.x_hub_signature_256, v.app_secret)).toBe(true);
  });

  it('accepts upper-case hex', () => {
    const v = vector(0);
    const header = `sha256=${v.x_hub_signature_256.slice('sha256='.length).toUpperCase()}`;
    expect(verifySignature(Buffer.from(v.body), header, v.app_secret)).toBe(true);
  });

  it('rejects a wrong secret, for both vectors', () => {
    for (const v of vectors) {
      expect(verifySignature(Buffer.from(v.body, 'utf8'), v.x_hub_signature_256, `${v.app_secret}x`)).toBe(false);
    }
  });

  it('rejects a body changed by one byte', () => {
    for (const v of vectors) {
      const body = Buffer.from(v.body, 'utf8');
      body[0] = (body[0] ?? 0) ^ 0x01;
      expect(verifySignature(body, v.x_hub_signature_256, v.app_secret)).toBe(false);
    }
  });

  it('rejects a signature changed by one hex digit', () => {
    const v = vector(0);
    const last = v.x_hub_signature_256.at(-1) === '0' ? '1' : '0';
    const header = `${v.x_hub_signature_256.slice(0, -1)}${last}`;
    expect(verifySignature(Buffer.from(v.body), header, v.app_secret)).toBe(false);
  });

  it('rejects missing and malformed headers without throwing', () => {
    const v = vector(0);
    const body = Buffer.from(v.body);
    const hex = v.x_hub_signature_256.slice('sha256='.length);
    const malformed: (string | undefined)[] = [
      undefined,
      '',
      hex,
      `sha1=${hex}`,
      `SHA256=${hex}`,
      `sha256=${hex.slice(0, 63)}`,
      `sha256=${hex}0`,
      `sha256=${hex.slice(0, 62)}zz`,
      `sha256= ${hex}`,
      `sha256=${hex} `,
      'sha256=',
      `sha256=${Buffer.from(hex, 'hex').toString('base64')}`,
    ];
    for (const header of malformed) {
      expect(verifySignature(body, header, v.app_secret)).toBe(false);
    }
  });

  it('rejects everything when the app secret is empty', () => {
    expect(verifySignature(Buffer.from('{}'), signBody('{}', ''), '')).toBe(false);
  });

  it('never throws on odd runtime inputs', () => {
    const call = (body: unknown, header: unknown, secret: unknown) =>
      verifySignature(body as Buffer, header as string | undefined, secret as string);
    expect(call(undefined, signBody('x', SECRET), SECRET)).toBe(false);
    expect(call('x', signBody('x', SECRET), SECRET)).toBe(false);
    expect(call(Buffer.from('x'), 42, SECRET)).toBe(false);
    expect(call(Buffer.from('x'), signBody('x', SECRET), undefined)).toBe(false);
  });

  it('escapes astral characters as UTF-16 surrogate pairs', () => {
    const raw = '{"text":{"body":"\u{1F44D} ok"}}';
    const escaped = '{"text":{"body":"\\ud83d\\udc4d ok"}}';
    expect(verifySignature(Buffer.from(raw, 'utf8'), signBody(escaped, SECRET), SECRET)).toBe(true);
  });
});

describe('signBody', () => {
  it('produces the header value for strings and buffers alike', () => {
    const v = vector(0);
    expect(signBody(v.body, v.app_secret)).toBe(v.x_hub_signature_256);
    expect(signBody(Buffer.from(v.body), v.app_secret)).toBe(v.x_hub_signature_256);
  });

  it('round-trips through verifySignature on a realistic JSON body', () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [] }] });
    expect(signBody(body, SECRET)).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(Buffer.from(body), signBody(body, SECRET), SECRET)).toBe(true);
  });
});
