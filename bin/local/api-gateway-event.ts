import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * Builds the API Gateway HTTP API (payload format 2.0) event that Lambda would receive, so the
 * local server can call the very handler that runs on AWS.
 */
export interface IncomingRequest {
  method: string;
  /** path and query as received, e.g. /contacts/1555/session?phoneNumberId=1 */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp?: string;
}

/** API Gateway passes these content types as text; everything else arrives base64-encoded. */
const TEXT_CONTENT = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]+\+(json|xml)))/i;

const isValidUtf8 = (bytes: Buffer): boolean => Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);

const encodeBody = (body: Buffer, contentType: string | undefined) => {
  if (body.length === 0) return { isBase64Encoded: false };
  const textual = contentType === undefined || TEXT_CONTENT.test(contentType);
  // A text body is passed as a string only when that string gives back the exact bytes.
  if (textual && isValidUtf8(body)) return { body: body.toString('utf8'), isBase64Encoded: false };
  return { body: body.toString('base64'), isBase64Encoded: true };
};

export const safeDecode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

export const toHttpApiEvent = (
  request: IncomingRequest,
  route: { routeKey: string; pathParameters?: Record<string, string> },
  now: Date = new Date(),
): APIGatewayProxyEventV2 => {
  const url = new URL(request.url, 'http://localhost');
  // HTTP APIs hand the path to Lambda percent-decoded (rawPath and pathParameters alike).
  const rawPath = safeDecode(url.pathname);
  const rawQueryString = url.search.startsWith('?') ? url.search.slice(1) : url.search;
  const queryStringParameters: Record<string, string> = {};
  // API Gateway joins repeated query parameters with commas.
  for (const [name, value] of url.searchParams) {
    queryStringParameters[name] = name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
  }
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'cookie') cookies.push(...String(value).split(/;\s*/));
    else headers[lower] = Array.isArray(value) ? value.join(',') : value;
  }
  const requestId = randomUUID();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...encodeBody(request.body, headers['content-type']),
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (Object.keys(queryStringParameters).length > 0) event.queryStringParameters = queryStringParameters;
  if (route.pathParameters && Object.keys(route.pathParameters).length > 0) event.pathParameters = route.pathParameters;
  return event;
};
