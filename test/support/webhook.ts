import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createHandler } from '../../functions/webhook/index.ts';
import type { EpochSeconds } from '#domain/time';
import type { IngestionStores } from '#ingestion/ingest-webhook';
import { recordSentMessage } from '#send/record-sent-message';
import { AGGREGATE_SHARDS, contactPk, keys } from '#store/keys';
import { tableStores } from './stores.ts';
import { signBody } from '#webhook/signature';
import { TEST_TABLE_NAME, testDocumentClient, uniquePhoneNumberId, uniqueWaId } from './environment.ts';
import * as payloads from '../fixtures/payloads.ts';

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

/** Writes a business message as the send API records it (its own production path). */
export const seedOutboundMessage = async (
  stores: Pick<IngestionStores, 'contacts' | 'messages'>,
  input: { id: string; phoneNumberId: string; waId: string; kind: 'template' | 'free-form'; templateCategory?: string },
  /** when the send route wrote it: its record is kept for the retention from then */
  sentAt: EpochSeconds = 1_900_000_000,
): Promise<void> => {
  const contact = await stores.contacts.resolveContact(input.phoneNumberId, { waId: input.waId });
  await recordSentMessage(
    stores,
    {
      id: input.id,
      contact,
      kind: input.kind,
      ...(input.templateCategory ? { templateCategory: input.templateCategory, templateName: 'seeded' } : {}),
    },
    sentAt,
  );
};

/** A business message the send API recorded: its business number, its user and its wamid. */
export interface SeededMessage {
  phoneNumberId: string;
  waId: string;
  wamid: string;
}

/** A template message of `templateCategory`, recorded for a fresh business number and user unless they are given. */
export const seedTemplateMessage = async (
  stores: Pick<IngestionStores, 'contacts' | 'messages'>,
  templateCategory: string,
  ids: { phoneNumberId?: string; waId?: string } = {},
): Promise<SeededMessage> => {
  const message = {
    phoneNumberId: ids.phoneNumberId ?? uniquePhoneNumberId(),
    waId: ids.waId ?? uniqueWaId(),
    wamid: payloads.wamid(),
  };
  await seedOutboundMessage(stores, { ...message, id: message.wamid, kind: 'template', templateCategory });
  return message;
};

/** Meta's status webhook of one business number. */
export const statusBody = (phoneNumberId: string, statuses: unknown[]): payloads.Json =>
  payloads.webhookBody(payloads.messagesChange({ phoneNumberId, statuses }));

/** One status of a seeded message as Meta posts it: `status` at `timestamp`, to its user, with whatever else is given. */
export const statusOf = (
  message: SeededMessage,
  status: string,
  timestamp: number,
  more: Partial<payloads.StatusInput> = {},
): payloads.Json =>
  statusBody(message.phoneNumberId, [
    payloads.statusUpdate({ id: message.wamid, status, timestamp, recipientId: message.waId, ...more }),
  ]);

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
