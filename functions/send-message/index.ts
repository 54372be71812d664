import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { documentClient, dynamoDbClient } from '#clients/dynamodb';
import * as config from '#commons/config';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { countryOf } from '#domain/country';
import { pairRateLimit } from '#domain/pacing';
import { systemClock } from '#domain/time';
import { createGraphClient } from '#graph/graph-client';
import { apiHandler } from '#http/api-handler';
import { requireApiToken } from '#http/api-token';
import { readJsonBody } from '#http/json-body';
import { ApiError, badRequest } from '#http/errors';
import { json } from '#http/responses';
import { estimateSendCost } from '#send/estimate-cost';
import { markMessageRead } from '#send/mark-read';
import { sendMessage, type SendMessageDeps } from '#send/send-message';
import { validateSendRequest } from '#send/validate-send-request';
import { DynamoDbConsentStore } from '#store/dynamodb-consent-store';
import { DynamoDbContactStore } from '#store/dynamodb-contact-store';
import { DynamoDbInboundReceipts } from '#store/dynamodb-inbound-receipts';
import { DynamoDbMessageLedger } from '#store/dynamodb-message-ledger';
import { DynamoDbPacingStore } from '#store/dynamodb-pacing-store';
import { DynamoDbTemplateStore } from '#store/dynamodb-template-store';
import { IDEMPOTENCY_SECONDS, idempotencyPersistence } from '#store/items/idempotency-record';

const BODY = "Meta's send body ({ to, type, ... })";

export interface SendHandlerDeps extends SendMessageDeps {
  secrets: () => Promise<Secrets<'apiTokens' | 'accessToken'>>;
  defaultPhoneNumberId: () => string | undefined;
  /** where idempotency records live (our table) */
  idempotency: { tableName: string };
}

/** Powertools' idempotency errors in our contract's words. */
const idempotencyErrors = (error: unknown): ApiError | undefined => {
  if (error instanceof IdempotencyValidationError) {
    return new ApiError(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was used within 24 hours with another body: use a new key for a new message.',
    );
  }
  if (error instanceof IdempotencyAlreadyInProgressError) {
    return new ApiError(
      409,
      'IDEMPOTENCY_KEY_IN_PROGRESS',
      'A request with this Idempotency-Key is still being processed; retry in a few seconds for its answer.',
      { 'retry-after': '2' },
    );
  }
  return undefined;
};

/**
 * POST /messages: the business's services send through here. Token first, then the
 * Idempotency-Key (Powertools idempotency on our own table: the same key and body within 24 h
 * answer the first response and send once), then the body, the rules and Meta.
 */
export const createHandler = (deps: SendHandlerDeps) =>
  apiHandler(
    async (event) => {
      const request = validateSendRequest(readJsonBody(event, BODY));
      const phoneNumberId = request.phoneNumberId ?? deps.defaultPhoneNumberId();
      if (!phoneNumberId) {
        throw badRequest(
          'PHONE_NUMBER_ID_REQUIRED',
          'Name the sending business number with "phoneNumberId", or configure WHATSAPP_PHONE_NUMBER_ID.',
        );
      }
      if (request.kind === 'read') return json(200, await markMessageRead(deps, request, phoneNumberId));
      return json(200, await sendMessage(deps, request, phoneNumberId));
    },
    {
      mapError: idempotencyErrors,
      middlewares: [
        requireApiToken(deps.secrets, 'send-message'),
        makeHandlerIdempotent({
          persistenceStore: new DynamoDBPersistenceLayer({
            tableName: deps.idempotency.tableName,
            ...idempotencyPersistence,
            awsSdkV3Client: dynamoDbClient,
          }),
          config: new IdempotencyConfig({
            eventKeyJmesPath: 'headers."idempotency-key"',
            payloadValidationJmesPath: 'body',
            expiresAfterSeconds: IDEMPOTENCY_SECONDS,
            throwOnNoIdempotencyKey: false,
          }),
        }),
      ],
    },
  );

const secrets = routeSecrets('send-message');

export const handler = createHandler({
  stores: {
    contacts: new DynamoDbContactStore(documentClient, config.tableName(), {
      clock: systemClock,
      retentionDays: config.retentionDays(),
    }),
    messages: new DynamoDbMessageLedger(documentClient, config.tableName()),
    templates: new DynamoDbTemplateStore(documentClient, config.tableName()),
    pacing: new DynamoDbPacingStore(documentClient, config.tableName()),
    receipts: new DynamoDbInboundReceipts(documentClient, config.tableName()),
    consent: new DynamoDbConsentStore(documentClient, config.tableName()),
  },
  graph: createGraphClient({
    baseUrl: config.whatsAppApiUrl(),
    apiVersion: config.whatsAppApiVersion(),
    accessToken: async () => (await secrets()).accessToken,
  }),
  clock: systemClock,
  pacing: {
    messagesPerSecond: config.messagesPerSecond(),
    pair: pairRateLimit(config.pairIntervalSeconds(), config.pairBurst()),
  },
  retentionDays: config.retentionDays(),
  estimate: estimateSendCost,
  countryOf,
  inboundSkewSeconds: config.inboundClockSkewSeconds(),
  secrets,
  defaultPhoneNumberId: () => config.defaultPhoneNumberId(),
  idempotency: { tableName: config.tableName() },
});
