import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createHandler } from '../../functions/webhook/index.ts';
import type { EpochSeconds } from '#domain/time';
import type { IngestionStores } from '#ingestion/ingest-webhook';
import { AGGREGATE_SHARDS, contactPk, keys } from '#store/keys';
import { tableStores } from './stores.ts';
import { signBody } from '#webhook/signature';
import { TEST_TABLE_NAME, testDocumentClient } from './environment.ts';

// The seeded messages live apart (seed.ts): importing them must not load the webhook handler, whose
// module reads its settings from the environment once.
export { seedOutboundMessage, seedTemplateMessage, statusBody, statusOf, type SeededMessage } from './seed.ts';

export const APP_SECRET = 'test-app-secret';

export const webhookEvent = (
  body: string | Buffer,
  headers: Record<string, string> = {},
  isBase64Encoded = false,
): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /webhook',
    rawPath: '/webhook',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    requestContext: { requestId: 'test', http: { method: 'POST', path: '/webhook' } },
    body: isBase64Encoded ? Buffer.from(body).toString('base64') : body.toString(),
    isBase64Encoded,
  }) as unknown as APIGatewayProxyEventV2;

export const signedEvent = (payload: unknown, secret = APP_SECRET): APIGatewayProxyEventV2 => {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return webhookEvent(body, { 'x-hub-signature-256': signBody(body, secret) });
};

export interface WebhookHarness {
  stores: IngestionStores;
  post: (payload: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;
  send: (event: APIGatewayProxyEventV2) => Promise<{ status: number; body: Record<string, unknown> }>;
}

/** The real webhook handler on DynamoDB Local, with the clock fixed and the given client (for fault injection). */
export const webhookHarness = (
  options: { now: EpochSeconds; client?: DynamoDBDocumentClient } = { now: 1_760_000_000 },
): WebhookHarness => {
  const stores = tableStores(options.client ?? testDocumentClient());
  const handler = createHandler({
    stores,
    clock: () => options.now,
    secrets: async () => ({ appSecret: APP_SECRET, verifyToken: 'verify', accessToken: '', apiTokens: [] }),
    retentionDays: 30,
  });
  const send = async (event: APIGatewayProxyEventV2) => {
    const result = (await handler(event, { awsRequestId: 'test' } as Context)) as APIGatewayProxyStructuredResultV2;
    return { status: result.statusCode ?? 0, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
  };
  return { stores, send, post: (payload) => send(signedEvent(payload)) };
};

const queryAll = async (client: DynamoDBDocumentClient, pk: string) => {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: TEST_TABLE_NAME,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    }),
  );
  return Items;
};

/** Aggregate cells of one business number on the given days, summed over shards: `kind#country#category#model#type` → units. */
export const aggregateCells = async (phoneNumberId: string, days: string[]): Promise<Record<string, number>> => {
  const client = testDocumentClient();
  const cells: Record<string, number> = {};
  for (const day of days) {
    for (let shard = 0; shard < AGGREGATE_SHARDS; shard++) {
      for (const item of await queryAll(client, keys.aggregatePartition(day, shard))) {
        if (item.phoneNumberId !== phoneNumberId || item.units === 0) continue;
        const key = [day, item.kind, item.country, item.category, item.pricingModel, item.pricingType].join('#');
        cells[key] = (cells[key] ?? 0) + Number(item.units);
      }
    }
  }
  return cells;
};

/** Everything in one contact's partition: the window and conversation items. */
export const contactItems = (phoneNumberId: string, contactId: string) =>
  queryAll(testDocumentClient(), contactPk(phoneNumberId, contactId));

/** The conversation items of one contact (its partition holds its window too). */
export const conversationItems = async (phoneNumberId: string, contactId: string) =>
  (await contactItems(phoneNumberId, contactId)).filter((item) => String(item.sk).startsWith('CONV#'));

export const messageItem = async (wamid: string) => (await queryAll(testDocumentClient(), keys.message(wamid).pk))[0];

export const ledgerItem = async (conversationId: string) =>
  (await queryAll(testDocumentClient(), keys.conversationLedger(conversationId).pk))[0];

/**
 * The real DynamoDB client with one fault injected: the first command that `fails` picks throws an
 * AWS-shaped error (as a throttled or unavailable DynamoDB would), every other command goes through.
 */
export const clientFailingOnce = (
  fails: (command: { constructor: { name: string }; input: unknown }) => boolean,
): { client: DynamoDBDocumentClient; failed: () => boolean } => {
  const real = testDocumentClient();
  let failed = false;
  const client = new Proxy(real, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return async (command: { constructor: { name: string }; input: unknown }) => {
        if (!failed && fails(command)) {
          failed = true;
          throw Object.assign(new Error('injected fault'), {
            name: 'InternalServerError',
            $fault: 'server',
            $metadata: { httpStatusCode: 500 },
          });
        }
        return target.send(command as never);
      };
    },
  });
  return { client, failed: () => failed };
};
