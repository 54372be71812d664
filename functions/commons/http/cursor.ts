import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Page cursors that callers cannot forge or alter: the position (DynamoDB's key of the last item
 * shown) and what it is a position in (the scope: number and contact), as base64url JSON, followed by
 * an HMAC-SHA256 of both. A cursor from another contact, an edited one or garbage is refused.
 */
export interface CursorCodec {
  encode(scope: string, position: Record<string, unknown>): string;
  /** the position, or undefined when the cursor is not one this codec issued for this scope */
  decode(scope: string, cursor: string): Record<string, unknown> | undefined;
}

const MAX_CURSOR_CHARS = 4096;

/** The HMAC key is derived from a secret the deployment already has, under its own label. */
export const cursorCodec = (secret: string, label = 'history-cursor'): CursorCodec => {
  if (!secret) throw new Error('a cursor key needs a non-empty secret');
  const key = createHmac('sha256', secret).update(label).digest();
  const sign = (scope: string, payload: string): Buffer =>
    createHmac('sha256', key).update(scope).update('\n').update(payload).digest();
  return {
    encode: (scope, position) => {
      const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
      return `${payload}.${sign(scope, payload).toString('base64url')}`;
    },
    decode: (scope, cursor) => {
      if (cursor.length > MAX_CURSOR_CHARS) return undefined;
      const [payload, mac, ...rest] = cursor.split('.');
      if (!payload || !mac || rest.length > 0) return undefined;
      const presented = Buffer.from(mac, 'base64url');
      const expected = sign(scope, payload);
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
      try {
        const position = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
        return typeof position === 'object' && position !== null && !Array.isArray(position)
          ? (position as Record<string, unknown>)
          : undefined;
      } catch {
        return undefined;
      }
    },
  };
};
