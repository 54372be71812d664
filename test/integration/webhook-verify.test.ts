import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createHandler } from '../../functions/webhook-verify/index.ts';

const handler = createHandler({
  secrets: async () => ({ appSecret: 'app', verifyToken: 'the-verify-token', accessToken: '', apiTokens: [] }),
});

const verify = async (query: Record<string, string>) => {
  const event = {
    version: '2.0',
    rawPath: '/webhook',
    rawQueryString: new URLSearchParams(query).toString(),
    headers: {},
    queryStringParameters: query,
    requestContext: { requestId: 'test', http: { method: 'GET', path: '/webhook' } },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  return (await handler(event, { awsRequestId: 'test' } as Context)) as APIGatewayProxyStructuredResultV2;
};

describe('GET /webhook verification handshake', () => {
  it('answers the challenge as plain text to subscribe with the configured token', async () => {
    const response = await verify({
      'hub.mode': 'subscribe',
      'hub.verify_token': 'the-verify-token',
      'hub.challenge': '1158201444',
    });
    expect(response).toMatchObject({ statusCode: 200, body: '1158201444' });
    expect(response.headers?.['content-type']).toMatch(/^text\/plain/);
  });

  it.each([
    ['a wrong token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' }],
    ['no token', { 'hub.mode': 'subscribe', 'hub.challenge': '1' }],
    ['another mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': 'the-verify-token', 'hub.challenge': '1' }],
    ['no challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': 'the-verify-token' }],
    ['nothing', {}],
  ])('answers 403 to %s', async (_, query) => {
    const response = await verify(query as Record<string, string>);
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body ?? '')).toMatchObject({ error: { code: 'VERIFICATION_FAILED' } });
  });

  it('refuses everything while no verify token is configured', async () => {
    const unconfigured = createHandler({
      secrets: async () => ({ appSecret: '', verifyToken: '', accessToken: '', apiTokens: [] }),
    });
    const event = {
      headers: {},
      queryStringParameters: { 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' },
      requestContext: { requestId: 't', http: { method: 'GET', path: '/webhook' } },
    } as unknown as APIGatewayProxyEventV2;
    const response = (await unconfigured(event, {} as Context)) as APIGatewayProxyStructuredResultV2;
    expect(response.statusCode).toBe(403);
  });
});
