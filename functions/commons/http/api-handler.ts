import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { injectLambdaContext, logger } from '#commons/logger';
import { countRefusal } from '#commons/refusals';
import { traceHandler } from '#commons/tracer';
import { ApiError, isStorageError, unavailableService } from './errors';
import { jsonError, type HttpResponse } from './responses';

export type RouteHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>;

export interface ApiHandlerOptions {
  /** Status for a failing DynamoDB call: 503 for API callers; the webhook uses 500 so Meta retries. */
  storageFailureStatus?: number;
  /** run before the handler, in order (authentication first, then idempotency) */
  middlewares?: MiddlewareObj<APIGatewayProxyEventV2, HttpResponse>[];
  /** turns a library's error into one of ours, e.g. an idempotency key reused with another body */
  mapError?: (error: unknown) => ApiError | undefined;
}

/**
 * Every HTTP Lambda is this middy stack around a thin route handler: the X-Ray handler subsegment where on, the logger's Lambda context,
 * the route's own middlewares, then errors mapped to the JSON error shape of the HTTP contract.
 * Written here rather than with @middy/http-error-handler because that one answers plain text,
 * not our `{ error: { code, message } }`.
 */
export const apiHandler = (handler: RouteHandler, options: ApiHandlerOptions = {}) => {
  const stack = middy<APIGatewayProxyEventV2, HttpResponse>(handler)
    .use(traceHandler({ captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      onError: async (request) => {
        const error = options.mapError?.(request.error) ?? request.error;
        if (error instanceof ApiError) {
          countRefusal(error.code, request.event.routeKey);
          request.response = jsonError(error.status, error.code, error.message, error.headers);
          return;
        }
        if (isStorageError(error)) {
          logger.error('storage failure', { error: error as Error });
          request.response = jsonError(
            options.storageFailureStatus ?? 503,
            'STORAGE_UNAVAILABLE',
            'The session store did not answer; retry the request shortly.',
          );
          return;
        }
        const service = unavailableService(error);
        if (service !== undefined) {
          logger.error('service unavailable', { error: error as Error });
          request.response = jsonError(
            503,
            'SERVICE_UNAVAILABLE',
            `${service} did not answer; retry the request shortly.`,
          );
          return;
        }
        logger.error('unhandled error', { error: error as Error });
        request.response = jsonError(500, 'INTERNAL_ERROR', 'Something failed on our side; retry the request.');
      },
    });
  for (const middleware of options.middlewares ?? []) stack.use(middleware);
  return stack;
};
