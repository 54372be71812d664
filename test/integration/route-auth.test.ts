import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { apiScopes, isMetaRoute, routes, type RouteDefinition } from '#routes';
import { TEST_TABLE_NAME } from '#test/environment';

/**
 * Every route of the one route list but Meta's two answers 401 without a valid API token and 403
 * with a token that lacks the route's scope, through the very `handler` export Lambda calls.
 */
const TOKENS = { all: 'route-auth-all', read: 'route-auth-read', send: 'route-auth-send', admin: 'route-auth-admin' };
process.env.TABLE_NAME = TEST_TABLE_NAME;
process.env.WHATSAPP_PHONE_NUMBER_ID = '100000000000001';
process.env.API_TOKEN = [TOKENS.all, ...apiScopes.map((scope) => `${TOKENS[scope]}:${scope}`)].join(',');
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const call = async (route: RouteDefinition, headers: Record<string, string>) => {
  const { handler } = (await import(`../../functions/${route.handler}/index.ts`)) as { handler: Handler };
  const pathParameters = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], '15551234567']));
  const path = route.path.replace(/\{\w+\}/g, '15551234567');
  const event = {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    pathParameters,
    requestContext: { requestId: 'route-auth', http: { method: route.method, path } },
    body: route.method === 'GET' ? undefined : '{}',
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  const result = await handler(event, { awsRequestId: 'route-auth' } as Context);
  return { status: result.statusCode ?? 0, body: JSON.parse(result.body ?? 'null') as { error?: { code: string } } };
};

const guarded = routes.filter((route) => !isMetaRoute(route));

describe('API tokens on every route of the route list', () => {
  it("leaves only Meta's two webhook routes to Meta's own checks", () => {
    expect(routes.filter(isMetaRoute).map((route) => `${route.method} ${route.path}`)).toEqual([
      'GET /webhook',
      'POST /webhook',
    ]);
    expect(guarded.length).toBe(routes.length - 2);
  });

  it.each(guarded.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: 401 without a valid token, 403 without its scope, through with it',
    async (_, route) => {
      if (route.auth !== 'apiToken') throw new Error('not an API-token route');
      for (const headers of [
        {},
        { authorization: 'Bearer not-a-configured-token' },
        { authorization: TOKENS.all },
        { authorization: `Basic ${TOKENS.all}` },
        { authorization: `Bearer ${TOKENS.all}x` },
      ] as Record<string, string>[]) {
        const { status, body } = await call(route, headers);
        expect({ status, code: body.error?.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
      }
      for (const scope of apiScopes.filter((other) => other !== route.scope)) {
        const { status, body } = await call(route, { authorization: `Bearer ${TOKENS[scope]}` });
        expect({ scope, status, code: body.error?.code }).toEqual({ scope, status: 403, code: 'INSUFFICIENT_SCOPE' });
      }
      for (const token of [TOKENS[route.scope], TOKENS.all]) {
        const { status } = await call(route, { authorization: `Bearer ${token}` });
        expect([401, 403]).not.toContain(status);
      }
    },
  );
});
