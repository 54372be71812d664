import { mapGraphError, type GraphSendFailure } from '#graph/graph-client';
import { ApiError } from '#http/errors';

/**
 * Meta's refusal of a send or a read receipt as our API's error (graph-client.ts mapGraphError says
 * what each of Meta's codes means to the caller), with Meta's Retry-After passed on when it gave one.
 */
export const metaRefusal = (failure: GraphSendFailure): ApiError => {
  const mapped = mapGraphError(failure);
  return new ApiError(
    mapped.status,
    mapped.code,
    mapped.message,
    mapped.retryAfterSeconds ? { 'retry-after': String(mapped.retryAfterSeconds) } : {},
  );
};
