import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { secretMatches, type WhatsAppSecrets } from '#commons/secrets';
import { ApiError } from './errors';
import type { HttpResponse } from './responses';

/**
 * `Authorization: Bearer <token>` against the configured API tokens, compared in constant time,
 * before anything else runs: a request without a valid token reads and sends nothing.
 */
export const requireApiToken = (
  secrets: () => Promise<WhatsAppSecrets>,
): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> => ({
  before: async (request) => {
    const header = request.event.headers?.authorization ?? '';
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    const { apiTokens } = await secrets();
    if (!presented || !apiTokens.some((token) => secretMatches(presented, token))) {
      throw new ApiError(
        401,
        'UNAUTHENTICATED',
        'Send "Authorization: Bearer <API token>": API_TOKEN locally, one of apiTokens in the secret on AWS.',
        { 'www-authenticate': 'Bearer' },
      );
    }
  },
});
