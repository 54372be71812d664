import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { documentClient } from '#clients/dynamodb';
import * as config from '#commons/config';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { apiHandler } from '#http/api-handler';
import { requireApiToken } from '#http/api-token';
import { cursorCodec, cursorSecret } from '#http/cursor';
import { badRequest } from '#http/errors';
import { json } from '#http/responses';
import { toHistoryMessage } from '#domain/history-view';
import { userIdsOf } from '#domain/identity';
import { systemClock, type Clock } from '#domain/time';
import { DynamoDbMessageHistory } from '#store/message-history';
import { businessNumber } from '#http/business-number';

export interface GetContactMessagesDeps {
  history: DynamoDbMessageHistory;
  clock: Clock;
  secrets: () => Promise<Secrets<'apiTokens'>>;
  defaultPhoneNumberId: () => string | undefined;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

const readLimit = (value: string | undefined): number => {
  if (value === undefined || value === '') return DEFAULT_LIMIT;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_LIMIT) {
    throw badRequest(
      'INVALID_LIMIT',
      `limit must be a whole number from 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT}).`,
    );
  }
  return Number(value);
};

/**
 * GET /contacts/{userId}/messages: the contact's messages newest first, both directions, one Query on
 * the history index per page. `next` goes back as `cursor`; it is signed and bound to this contact.
 */
export const createHandler = (deps: GetContactMessagesDeps) =>
  apiHandler(
    async (event: APIGatewayProxyEventV2) => {
      const rawUserId = event.pathParameters?.userId ?? '';
      const ids = userIdsOf(rawUserId);
      if (!ids) {
        throw badRequest(
          'INVALID_USER_ID',
          'userId must be a phone number in wa_id form (digits only, country code first, no "+") ' +
            'or a business-scoped user id such as US.13491208655302741918.',
        );
      }
      const query = event.queryStringParameters ?? {};
      const phoneNumberId = businessNumber(query.phoneNumberId, deps.defaultPhoneNumberId);
      const limit = readLimit(query.limit);
      const codec = cursorCodec(cursorSecret((await deps.secrets()).apiTokens));
      const userId = (ids.waId ?? ids.userId) as string;
      const contactId = await deps.history.contactIdOf(phoneNumberId, userId);
      const scope = `${phoneNumberId}#${contactId}`;
      let startKey: Record<string, unknown> | undefined;
      if (query.cursor !== undefined) {
        startKey = codec.decode(scope, query.cursor);
        if (!startKey) {
          throw badRequest(
            'INVALID_CURSOR',
            'cursor is not one this route issued for this contact: pass the "next" value of the previous page unchanged.',
          );
        }
      }
      const page = await deps.history.page(phoneNumberId, contactId, limit, startKey);
      const now = deps.clock();
      return json(200, {
        messages: page.items.map((item) => toHistoryMessage(item, now)),
        next: page.last ? codec.encode(scope, page.last) : null,
      });
    },
    { middlewares: [requireApiToken(deps.secrets, 'get-contact-messages')] },
  );

export const handler = createHandler({
  history: new DynamoDbMessageHistory(documentClient, config.tableName()),
  clock: systemClock,
  secrets: routeSecrets('get-contact-messages'),
  defaultPhoneNumberId: () => config.defaultPhoneNumberId(),
});
