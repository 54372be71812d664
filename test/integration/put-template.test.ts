import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { randomInt } from 'node:crypto';
import { createHandler } from '../../functions/put-template/index.ts';
import { documentClient } from '#clients/dynamodb';
import { DynamoDbTemplateStore } from '#store/dynamodb-template-store';
import { TEST_TABLE_NAME } from '#test/environment';

/** `PUT /templates/{name}/{language}` through its handler, against DynamoDB Local. */
const API_TOKEN = 'put-template-test-api-token';
const store = new DynamoDbTemplateStore(documentClient, TEST_TABLE_NAME);
const handler = createHandler({
  store,
  clock: () => Math.floor(Date.now() / 1000),
  secrets: async () => ({ appSecret: 'a', verifyToken: 'v', accessToken: 't', apiTokens: [API_TOKEN] }),
});

const uniqueName = () => `example_${String(randomInt(1e9, 1e10))}`;

const put = async (name: string, body: string, contentType: string | undefined = 'application/json') => {
  const event = {
    version: '2.0',
    routeKey: 'PUT /templates/{name}/{language}',
    rawPath: `/templates/${name}/en_US`,
    rawQueryString: '',
    headers: {
      ...(contentType === undefined ? {} : { 'content-type': contentType }),
      authorization: `Bearer ${API_TOKEN}`,
    },
    pathParameters: { name, language: 'en_US' },
    requestContext: { requestId: `r-${Math.random()}`, http: { method: 'PUT', path: `/templates/${name}/en_US` } },
    body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  const context = { awsRequestId: `r-${Math.random()}`, functionName: 'put-template' } as unknown as Context;
  const result = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode ?? 0, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
};

const withBodyExample = (example: string) =>
  `{"category": "utility", "components": [{"type": "BODY", "text": "Hi {{1}}", "example": ${example}}]}`;

/** `{"body_text": [[[ … "Ana" … ]]]}` nested `depth` levels deep, as text (JSON.stringify could not build it). */
const nested = (depth: number) => `{"body_text": ${'['.repeat(depth - 1)}"Ana"${']'.repeat(depth - 1)}}`;

describe('PUT /templates/{name}/{language}', () => {
  it('stores a template with its example', async () => {
    const name = uniqueName();
    const answer = await put(name, withBodyExample('{"body_text": [["Ana"]]}'));
    expect(answer.status).toBe(200);
    expect((await store.readTemplate(name, 'en_US'))?.components).toEqual([
      { type: 'BODY', text: 'Hi {{1}}', example: { body_text: [['Ana']] } },
    ]);
  });

  it.each([
    ['a huge example', `{"body_text": [["${'x'.repeat(600_000)}"]]}`],
    ['a deeply nested example', nested(20_000)],
    ['an example one level too deep', nested(6)],
  ])('answers 400 TEMPLATE_EXAMPLE_TOO_LARGE for %s, and stores nothing', async (_, example) => {
    const name = uniqueName();
    const answer = await put(name, withBodyExample(example));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'TEMPLATE_EXAMPLE_TOO_LARGE' } });
    expect(String((answer.body.error as { message: string }).message)).toMatch(/^components\[0\]\.example: is /);
    expect(await store.readTemplate(name, 'en_US')).toBeUndefined();
  });

  it('takes an example at the depth limit', async () => {
    expect((await put(uniqueName(), withBodyExample(nested(5)))).status).toBe(200);
  });

  it('answers 400 for a huge button example', async () => {
    const name = uniqueName();
    const button = `{"type": "URL", "text": "Track", "url": "https://example.com/{{1}}", "example": ["${'x'.repeat(100_000)}"]}`;
    const body = `{"category": "utility", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [${button}]}]}`;
    const answer = await put(name, body);
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'TEMPLATE_EXAMPLE_TOO_LARGE' } } });
    expect(await store.readTemplate(name, 'en_US')).toBeUndefined();
  });

  it('reads a body sent without a content type as JSON', async () => {
    expect((await put(uniqueName(), withBodyExample('{}'), undefined)).status).toBe(200);
  });

  it('answers 400 for a body that is not JSON or not sent as JSON', async () => {
    expect(await put(uniqueName(), '{"category": ')).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_JSON' } },
    });
    expect(await put(uniqueName(), withBodyExample('{}'), 'text/plain')).toMatchObject({
      status: 400,
      body: { error: { code: 'UNSUPPORTED_CONTENT_TYPE' } },
    });
  });
});
