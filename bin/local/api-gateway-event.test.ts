import { toHttpApiEvent } from './api-gateway-event';
import { compileRoutes, matchRoute } from './router';

const at = new Date('2026-11-24T10:00:00.000Z');
const route = { routeKey: 'POST /webhook' };
/** POST /webhook with `body` as received, typed as `contentType`. */
const postWebhook = (contentType: string, body: Buffer) =>
  toHttpApiEvent({ method: 'POST', url: '/webhook', headers: { 'content-type': contentType }, body }, route, at);

describe('API Gateway HTTP API event (payload 2.0)', () => {
  it('carries method, raw path and query, lower-cased headers and request context', () => {
    const event = toHttpApiEvent(
      {
        method: 'GET',
        url: '/contacts/15551234567/session?phoneNumberId=123&a=1&a=2',
        headers: { 'X-Hub-Signature-256': 'sha256=ab', Host: 'localhost:3000', cookie: 'a=1; b=2' },
        body: Buffer.alloc(0),
      },
      { routeKey: 'GET /contacts/{userId}/session', pathParameters: { userId: '15551234567' } },
      at,
    );
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /contacts/{userId}/session',
      rawPath: '/contacts/15551234567/session',
      rawQueryString: 'phoneNumberId=123&a=1&a=2',
      queryStringParameters: { phoneNumberId: '123', a: '1,2' },
      pathParameters: { userId: '15551234567' },
      headers: { 'x-hub-signature-256': 'sha256=ab', host: 'localhost:3000' },
      cookies: ['a=1', 'b=2'],
      isBase64Encoded: false,
      requestContext: { http: { method: 'GET', path: '/contacts/15551234567/session' }, time: at.toISOString() },
    });
    expect(event.body).toBeUndefined();
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.requestContext.timeEpoch).toBe(at.getTime());
  });

  it('passes a JSON body as the exact text received, escapes and all', () => {
    const text = '{"a":"\\u00e9t\u00e9","b":1}';
    const event = postWebhook('application/json', Buffer.from(text));
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBe(text);
  });

  it.each([
    { name: 'a binary body', contentType: 'application/octet-stream', bytes: [0, 255, 254, 10, 13, 128] },
    {
      name: 'a "text" body that is not valid UTF-8 instead of altering it',
      contentType: 'application/json',
      bytes: [0x7b, 0xc3, 0x28, 0x7d],
    },
  ])('base64-encodes $name, so its bytes arrive unchanged', ({ contentType, bytes }) => {
    const body = Buffer.from(bytes);
    const event = postWebhook(contentType, body);
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').equals(body)).toBe(true);
  });
});

describe('route matching from the route list', () => {
  const compiled = compileRoutes([
    {
      method: 'GET',
      path: '/contacts/{userId}/session',
      handler: 'get-session',
      auth: 'apiToken',
      scope: 'read',
      tableActions: [],
      secrets: ['apiTokens'],
    },
  ]);
  it('extracts path parameters, decoded as API Gateway does', () => {
    expect(matchRoute(compiled, 'GET', '/contacts/US.123%2E4/session')).toMatchObject({
      routeKey: 'GET /contacts/{userId}/session',
      pathParameters: { userId: 'US.123.4' },
    });
  });
  it('matches neither another method nor extra segments', () => {
    expect(matchRoute(compiled, 'POST', '/contacts/1/session')).toBeUndefined();
    expect(matchRoute(compiled, 'GET', '/contacts/1/2/session')).toBeUndefined();
    expect(matchRoute(compiled, 'GET', '/contacts//session')).toBeUndefined();
  });
});
