import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '#commons/logger';
import { routeSecrets, secretMatches, type Secrets } from '#commons/secrets';
import { apiHandler } from '#http/api-handler';
import { jsonError, text } from '#http/responses';

/**
 * GET /webhook: Meta's verification handshake. The configured verify token answers the challenge
 * as plain text; anything else is 403, and Meta then sends no webhooks.
 */
export const createHandler = (deps: { secrets: () => Promise<Secrets<'verifyToken'>> }) =>
  apiHandler(async (event: APIGatewayProxyEventV2) => {
    const query = event.queryStringParameters ?? {};
    const { verifyToken } = await deps.secrets();
    const challenge = query['hub.challenge'];
    if (query['hub.mode'] === 'subscribe' && challenge && secretMatches(query['hub.verify_token'], verifyToken)) {
      logger.info('webhook subscription verified');
      return text(200, challenge);
    }
    logger.warn('webhook verification refused', { mode: query['hub.mode'] ?? null });
    return jsonError(
      403,
      'VERIFICATION_FAILED',
      'hub.mode must be "subscribe" and hub.verify_token must equal the configured verify token.',
    );
  });

export const handler = createHandler({ secrets: routeSecrets('webhook-verify') });
