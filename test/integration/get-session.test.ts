import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createHandler } from '../../functions/get-session/index.ts';
import { documentClient } from '#clients/dynamodb';
import { DAY } from '#domain/time';
import { keys } from '#store/keys';
import { DynamoDbContactStore } from '#store/dynamodb-contact-store';
import { testDocumentClient, uniquePhoneNumberId, uniqueWaId, TEST_TABLE_NAME } from '#test/environment';

const db = testDocumentClient();
const put = (item: Record<string, unknown>) => db.send(new PutCommand({ TableName: TEST_TABLE_NAME, Item: item }));

const now = 1_780_000_000;
const API_TOKEN = 'session-test-token:read';
const handlerAt = (at: number) =>
  createHandler({
    store: new DynamoDbContactStore(documentClient, TEST_TABLE_NAME),
    clock: () => at,
    defaultPhoneNumberId: () => undefined,
    secrets: async () => ({ apiTokens: [API_TOKEN, 'send-only-token:send'] }),
  });

const get = async (
  at: number,
  userId: string,
  phoneNumberId?: string,
  headers: Record<string, string> = { authorization: `Bearer session-test-token` },
) => {
  const event = {
    version: '2.0',
    routeKey: 'GET /contacts/{userId}/session',
    rawPath: `/contacts/${userId}/session`,
    rawQueryString: phoneNumberId ? `phoneNumberId=${phoneNumberId}` : '',
    headers,
    pathParameters: { userId },
    ...(phoneNumberId ? { queryStringParameters: { phoneNumberId } } : {}),
    requestContext: { requestId: 'test', http: { method: 'GET', path: `/contacts/${userId}/session` } },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  const result = (await handlerAt(at)(event, { awsRequestId: 'test' } as Context)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
};

describe('GET /contacts/{userId}/session against DynamoDB Local', () => {
  it('reads a window whose expiry is 1 second ahead as open and 1 second behind as closed', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    await put({ ...keys.window(phoneNumberId, waId), lastInboundAt: now + 1 - DAY, expiresAt: now + 1 });

    const open = await get(now, waId, phoneNumberId);
    expect(open.status).toBe(200);
    expect(open.body.window).toEqual({ open: true, expiresAt: new Date((now + 1) * 1000).toISOString() });

    // Two seconds later the same item, not yet deleted by TTL, has expired 1 second ago.
    const closed = await get(now + 2, waId, phoneNumberId);
    expect(closed.body.window).toEqual({ open: false, expiresAt: null });
  });

  it('lists open conversations and hides expired ones that DynamoDB has not deleted yet', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    await put({
      ...keys.conversation(phoneNumberId, waId, 'marketing'),
      conversationId: 'c-marketing',
      category: 'marketing',
      origin: 'business_initiated',
      openedAt: now + 1 - DAY,
      expiresAt: now + 1,
    });
    await put({
      ...keys.conversation(phoneNumberId, waId, 'utility'),
      conversationId: 'c-utility',
      category: 'utility',
      origin: 'business_initiated',
      openedAt: now - 1 - DAY,
      expiresAt: now - 1,
    });
    const { body } = await get(now, waId, phoneNumberId);
    expect(body).toEqual({
      userId: null,
      waId,
      phoneNumberId,
      window: { open: false, expiresAt: null },
      conversations: [
        {
          id: 'c-marketing',
          category: 'marketing',
          origin: 'business_initiated',
          openedAt: new Date((now + 1 - DAY) * 1000).toISOString(),
          expiresAt: new Date((now + 1) * 1000).toISOString(),
        },
      ],
      consent: { marketing: 'subscribed', changedAt: null, source: null, marketingLimitedUntil: null },
    });
  });

  it('finds the same window by the business-scoped user id once the two ids are linked', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const userId = `US.${waId}000111`;
    await put({ ...keys.window(phoneNumberId, waId), lastInboundAt: now - 60, expiresAt: now - 60 + DAY });
    await put({ ...keys.userAlias(phoneNumberId, userId), contactId: waId, waId, userId });
    await put({ ...keys.userAlias(phoneNumberId, waId), contactId: waId, waId, userId });

    const byUserId = await get(now, userId, phoneNumberId);
    expect(byUserId.body).toMatchObject({ userId, waId, window: { open: true } });
    const byWaId = await get(now, waId, phoneNumberId);
    expect(byWaId.body).toMatchObject({ userId, waId, window: { open: true } });
  });

  it('answers a user never seen with a closed window and no conversations', async () => {
    const { status, body } = await get(now, '15551234567', uniquePhoneNumberId());
    expect(status).toBe(200);
    expect(body).toMatchObject({ waId: '15551234567', window: { open: false, expiresAt: null }, conversations: [] });
  });

  it('reads +15551234567 as the same user as 15551234567', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    await put({ ...keys.window(phoneNumberId, waId), lastInboundAt: now - 60, expiresAt: now - 60 + DAY });
    const plain = await get(now, waId, phoneNumberId);
    const plus = await get(now, `+${waId}`, phoneNumberId);
    expect(plus.status).toBe(200);
    expect(plus.body).toEqual(plain.body);
    expect(plus.body).toMatchObject({ waId, window: { open: true } });
  });

  it('refuses with INVALID_RECIPIENT an id that is neither an E.164 number nor a business-scoped user id', async () => {
    for (const userId of ['+1 555', '555-1234', '5551234', '+1555123456789012']) {
      const { status, body } = await get(now, userId, uniquePhoneNumberId());
      expect(status).toBe(400);
      expect(body).toMatchObject({ error: { code: 'INVALID_RECIPIENT' } });
      expect((body.error as { message: string }).message).toMatch(
        /^userId must be a phone number as \+15551234567: country code first/,
      );
    }
  });

  it('refuses a phoneNumberId that is not numeric', async () => {
    const { status, body } = await get(now, '15551234567', 'abc#1');
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'INVALID_PHONE_NUMBER_ID' } });
  });

  it('answers 401 without a token or with an unknown one, and reads nothing', async () => {
    const refused: Record<string, string>[] = [
      {},
      { authorization: 'Bearer not-a-token' },
      { authorization: 'session-test-token' },
    ];
    for (const headers of refused) {
      const { status, body } = await get(now, '15551234567', uniquePhoneNumberId(), headers);
      expect(status).toBe(401);
      expect(body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    }
  });

  it('answers 403 to a token without the read scope', async () => {
    const { status, body } = await get(now, '15551234567', uniquePhoneNumberId(), {
      authorization: 'Bearer send-only-token',
    });
    expect(status).toBe(403);
    expect(body).toMatchObject({ error: { code: 'INSUFFICIENT_SCOPE' } });
  });

  it('asks for a business number when none is given or configured', async () => {
    const { status, body } = await get(now, '15551234567');
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'PHONE_NUMBER_ID_REQUIRED' } });
  });
});

describe('the window a webhook opened, read through the session route', () => {
  it('is open 1 second before 24 h after the message and closed 1 second after', async () => {
    const { webhookHarness } = await import('#test/webhook');
    const payloads = await import('../fixtures/payloads.ts');
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const sent = now - 10;
    const harness = webhookHarness({ now });
    const body = payloads.webhookBody(
      payloads.messagesChange({
        phoneNumberId,
        messages: [payloads.textMessage('hi', { from: waId, timestamp: sent })],
      }),
    );
    expect((await harness.post(body)).status).toBe(200);
    expect((await get(sent + DAY - 1, waId, phoneNumberId)).body.window).toEqual({
      open: true,
      expiresAt: new Date((sent + DAY) * 1000).toISOString(),
    });
    expect((await get(sent + DAY, waId, phoneNumberId)).body.window).toEqual({ open: false, expiresAt: null });
    expect((await get(sent + DAY + 1, waId, phoneNumberId)).body.window).toEqual({ open: false, expiresAt: null });
  });
});
