import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

export type Json = Record<string, unknown>;

export interface ApiRequest {
  /** the request path, e.g. `/contacts/15551234567/session` */
  path: string;
  /** the API token, sent as `authorization: Bearer …` */
  token?: string;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  rawQueryString?: string;
  /** sent as it is when a string, as JSON otherwise */
  body?: unknown;
}

/** The HTTP API (payload format 2.0) event API Gateway hands a route's Lambda for `routeKey` ("GET /path/{param}"). */
export const apiEvent = (routeKey: string, request: ApiRequest): APIGatewayProxyEventV2 => {
  const method = routeKey.split(' ')[0];
  const { body } = request;
  return {
    version: '2.0',
    routeKey,
    rawPath: request.path,
    rawQueryString: request.rawQueryString ?? '',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(request.token === undefined ? {} : { authorization: `Bearer ${request.token}` }),
      ...request.headers,
    },
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    requestContext: { requestId: `r-${Math.random()}`, http: { method, path: request.path } },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
};

export interface ApiAnswer {
  status: number;
  headers: Json;
  body: Json;
}

/** Runs a route's handler on one event, as Lambda would; its answer with the JSON body parsed. */
export const invoke = async (
  handler: (event: APIGatewayProxyEventV2, context: Context) => unknown,
  event: APIGatewayProxyEventV2,
  context: Partial<Context> = {},
): Promise<ApiAnswer> => {
  const lambdaContext = { awsRequestId: `r-${Math.random()}`, getRemainingTimeInMillis: () => 30_000, ...context };
  const result = (await handler(event, lambdaContext as Context)) as APIGatewayProxyStructuredResultV2;
  return {
    status: result.statusCode ?? 0,
    headers: (result.headers ?? {}) as Json,
    body: JSON.parse(result.body ?? 'null') as Json,
  };
};
