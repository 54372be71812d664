import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ApiError } from '#http/errors';

/**
 * Meta batches at most 3 MB of updates into one webhook POST
 * (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications);
 * 3.5 MB leaves room and refuses the rest before a byte is hashed, so a forged 6 MB body costs a
 * length check, not two HMACs over a re-escaped copy.
 */
export const MAX_WEBHOOK_BODY_BYTES = 3.5 * 1024 * 1024;

/** Decoded size without decoding: base64 carries 3 bytes per 4 characters, less its padding. */
const decodedBytes = (body: string, base64: boolean): number => {
  if (!base64) return Buffer.byteLength(body, 'utf8');
  const padding = body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0;
  return Math.floor((body.length * 3) / 4) - padding;
};

/** The raw bytes Meta signed, or 413 PAYLOAD_TOO_LARGE for a body no Meta batch can be. */
export const webhookRawBody = (event: APIGatewayProxyEventV2): Buffer => {
  const body = event.body ?? '';
  const base64 = event.isBase64Encoded === true;
  // A string longer than the limit is over it in any encoding; only shorter ones need counting.
  const bytes = !base64 && body.length > MAX_WEBHOOK_BODY_BYTES ? body.length : decodedBytes(body, base64);
  if (bytes > MAX_WEBHOOK_BODY_BYTES) {
    throw new ApiError(
      413,
      'PAYLOAD_TOO_LARGE',
      `Webhook bodies are limited to ${MAX_WEBHOOK_BODY_BYTES} bytes (Meta sends at most 3 MB a POST).`,
    );
  }
  return Buffer.from(body, base64 ? 'base64' : 'utf8');
};
