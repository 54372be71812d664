/**
 * X-Hub-Signature-256 verification for Meta webhook POSTs. Works on the untouched request bytes:
 * re-serialised JSON never reproduces Meta's hash.
 */
import { isAscii } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = /^sha256=([0-9a-fA-F]{64})$/;
const NON_ASCII = /[\u0080-\uffff]/g;

const hmac = (body: string | Buffer, appSecret: string): Buffer =>
  createHmac('sha256', appSecret).update(body).digest();

/** The X-Hub-Signature-256 value Meta would send for these bytes (tests and the local sandbox). */
export const signBody = (body: string | Buffer, appSecret: string): string =>
  `sha256=${hmac(body, appSecret).toString('hex')}`;

/**
 * Meta documents that the signature covers the payload with non-ASCII characters written as
 * lower-case `\uXXXX` escapes (one per UTF-16 code unit, so astral characters become surrogate pairs),
 * while the bytes delivered may carry them as raw UTF-8.
 */
const escapeNonAscii = (body: Buffer): string =>
  body.toString('utf8').replace(NON_ASCII, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

export const verifySignature = (rawBody: Buffer, header: string | undefined, appSecret: string): boolean => {
  try {
    if (typeof header !== 'string' || !Buffer.isBuffer(rawBody) || appSecret.length === 0) return false;
    const match = HEADER.exec(header);
    if (!match?.[1]) return false;
    const expected = Buffer.from(match[1], 'hex');
    if (timingSafeEqual(hmac(rawBody, appSecret), expected)) return true;
    // The platform's ASCII check (native, not a byte loop in JavaScript): only a body with non-ASCII
    // bytes can have an escaped form, and that one form is tried once. The caller bounds the size.
    if (isAscii(rawBody)) return false;
    return timingSafeEqual(hmac(escapeNonAscii(rawBody), appSecret), expected);
  } catch {
    // A verifier that throws would turn a forged request into a 500 and a Meta retry; reject instead.
    return false;
  }
};
