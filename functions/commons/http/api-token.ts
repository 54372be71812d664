import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { secretMatches, type Secrets } from '#commons/secrets';
import { routeAccess } from '#commons/route-access';
import { apiScopes, type ApiScope, type HandlerName } from '#routes';
import { ApiError } from './errors';
import type { HttpResponse } from './responses';

/** One configured API token and what it may do: every scope when the entry names none. */
export interface ApiTokenGrant {
  token: string;
  scopes: readonly ApiScope[];
}

const isScope = (value: string): value is ApiScope => (apiScopes as readonly string[]).includes(value);

/**
 * `token` (every scope) or `token:scope+scope`. A suffix naming an unknown scope grants nothing
 * from that entry rather than guessing: a typo closes the door instead of opening it.
 */
export const parseApiToken = (entry: string): ApiTokenGrant => {
  const colon = entry.lastIndexOf(':');
  if (colon < 0) return { token: entry, scopes: apiScopes };
  const named = entry.slice(colon + 1).split('+');
  return { token: entry.slice(0, colon), scopes: named.every(isScope) ? named : [] };
};

/** 401 without a configured token, 403 with a token that lacks the scope: a pure decision, tested alone. */
export const authorize = (
  header: string | undefined,
  entries: readonly string[],
  scope: ApiScope,
): 'allowed' | 'unauthenticated' | 'forbidden' => {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (!presented) return 'unauthenticated';
  // Every entry is compared (no early exit), so the time does not tell which one matched.
  let grant: ApiTokenGrant | undefined;
  for (const entry of entries) {
    const candidate = parseApiToken(entry);
    if (secretMatches(presented, candidate.token) && !grant) grant = candidate;
  }
  if (!grant) return 'unauthenticated';
  return grant.scopes.includes(scope) ? 'allowed' : 'forbidden';
};

/**
 * `Authorization: Bearer <token>` against the configured API tokens, compared in constant time,
 * before anything else runs, with the scope the route list declares for this function's route: a
 * request without a valid token reads and sends nothing.
 */
export const requireApiToken = (
  secrets: () => Promise<Secrets<'apiTokens'>>,
  handler: HandlerName,
): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> => {
  const { scope } = routeAccess(handler);
  if (scope === undefined) throw new Error(`functions/${handler} is not an API-token route`);
  return {
    before: async (request) => {
      const { apiTokens } = await secrets();
      const decision = authorize(request.event.headers?.authorization, apiTokens, scope);
      if (decision === 'unauthenticated') {
        throw new ApiError(
          401,
          'UNAUTHENTICATED',
          'Send "Authorization: Bearer <API token>": API_TOKEN locally, an entry of the API tokens secret on AWS.',
          { 'www-authenticate': 'Bearer' },
        );
      }
      if (decision === 'forbidden') {
        throw new ApiError(
          403,
          'INSUFFICIENT_SCOPE',
          `This token may not do this: the route needs the "${scope}" scope (give the token "${scope}", or no scopes for all).`,
          { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
        );
      }
    },
  };
};
