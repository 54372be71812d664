import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Page cursors that callers can neither read nor forge: the position (DynamoDB's key of the last item
 * shown) sealed with AES-256-GCM, the scope (number and contact) as additional data. A cursor from
 * another contact, an altered one or garbage fails authentication and is refused.
 */
export interface CursorCodec {
  encode(scope: string, position: Record<string, unknown>): string;
  /** the position, or undefined when the cursor is not one this codec issued for this scope */
  decode(scope: string, cursor: string): Record<string, unknown> | undefined;
}

const MAX_CURSOR_CHARS = 4096;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The cursor key of a route that reads only the API tokens: derived from all of them, in order. A
 * cursor is a short-lived paging position, so rotating the tokens may void the open ones (the caller
 * then starts from the first page again); no extra secret to deploy, and no route reads one it does not need.
 */
export const cursorSecret = (apiTokens: readonly string[]): string => apiTokens.join(',');

/** The key is derived from a secret the route already reads, under its own label. */
export const cursorCodec = (secret: string, label = 'history-cursor'): CursorCodec => {
  if (!secret) throw new Error('a cursor key needs a non-empty secret');
  const key = createHmac('sha256', secret).update(label).digest();
  return {
    encode: (scope, position) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(scope));
      const sealed = Buffer.concat([cipher.update(JSON.stringify(position), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
    },
    decode: (scope, cursor) => {
      if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
      const bytes = Buffer.from(cursor, 'base64url');
      if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES)).setAAD(Buffer.from(scope));
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
          decipher.final(),
        ]);
        const position = JSON.parse(plain.toString('utf8')) as unknown;
        return typeof position === 'object' && position !== null && !Array.isArray(position)
          ? (position as Record<string, unknown>)
          : undefined;
      } catch {
        return undefined;
      }
    },
  };
};
