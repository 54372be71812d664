import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { badRequest } from './errors';

/** `application/json`, `application/problem+json`, with or without parameters (as @middy/http-json-body-parser reads it). */
const JSON_TYPE = /^application\/(.+\+)?json($|;.+)/;

/**
 * The JSON body of an API request, for every route that takes one. A content type other than JSON
 * or a body that is not JSON answers 400 with what the route expects (`expected`); a request that
 * names no content type is read as JSON, as it always was.
 *
 * Read here rather than with @middy/http-json-body-parser: that middleware replaces `event.body`
 * with the parsed value, and Powertools' idempotency hashes `event.body` again after the handler
 * ran, so a replayed request would no longer match its first answer (and its 415 would need mapping).
 */
export const readJsonBody = (event: APIGatewayProxyEventV2, expected: string): unknown => {
  const contentType = event.headers?.['content-type'] ?? event.headers?.['Content-Type'];
  if (contentType !== undefined && !JSON_TYPE.test(contentType)) {
    throw badRequest(
      'UNSUPPORTED_CONTENT_TYPE',
      `Send the body as JSON with the header "Content-Type: application/json", not ${contentType.slice(0, 100)}.`,
    );
  }
  const text = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('INVALID_JSON', `The body must be JSON: ${expected}.`);
  }
};
