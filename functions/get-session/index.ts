import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { documentClient } from '#clients/dynamodb';
import * as config from '#commons/config';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { apiHandler } from '#http/api-handler';
import { requireApiToken } from '#http/api-token';
import { badRequest } from '#http/errors';
import { json } from '#http/responses';
import { parseRecipient, RECIPIENT_FORM, type UserIds } from '#domain/identity';
import { toSessionView } from '#domain/session-view';
import { systemClock, type Clock } from '#domain/time';
import type { ContactStore } from '#store/contact-store';
import { sessionReads } from '#store/contact-reads';
import { DynamoDbContactReads } from '#store/dynamodb-contact-reads';
import { businessNumber } from '#http/business-number';

export interface GetSessionDeps {
  store: Pick<ContactStore, 'readSession'>;
  clock: Clock;
  defaultPhoneNumberId: () => string | undefined;
  secrets: () => Promise<Secrets<'apiTokens'>>;
  /** seconds a user message may be stamped ahead of our clock (INBOUND_CLOCK_SKEW_SECONDS) */
  inboundSkewSeconds?: () => number;
}

/** GET /contacts/{userId}/session: the window and the open conversations of one user. */
export const createHandler = (deps: GetSessionDeps) =>
  apiHandler(
    async (event: APIGatewayProxyEventV2) => {
      const rawUserId = event.pathParameters?.userId ?? '';
      const recipient = parseRecipient(rawUserId);
      if (!recipient) throw badRequest('INVALID_RECIPIENT', `userId must be a phone number as ${RECIPIENT_FORM}.`);
      const ids: UserIds = { [recipient.kind]: recipient.id };
      const phoneNumberId = businessNumber(event.queryStringParameters?.phoneNumberId, deps.defaultPhoneNumberId);
      const stored = await deps.store.readSession(phoneNumberId, ids);
      const skew = deps.inboundSkewSeconds?.();
      return json(
        200,
        toSessionView({ phoneNumberId, now: deps.clock(), ...stored, ...(skew !== undefined ? { skew } : {}) }),
      );
    },
    { middlewares: [requireApiToken(deps.secrets, 'get-session')] },
  );

export const handler = createHandler({
  // the contact store's own session read, without its writes (and what they bring into the bundle)
  store: sessionReads(new DynamoDbContactReads(documentClient, config.tableName())),
  clock: systemClock,
  defaultPhoneNumberId: () => config.defaultPhoneNumberId(),
  secrets: routeSecrets('get-session'),
  inboundSkewSeconds: () => config.inboundClockSkewSeconds(),
});
