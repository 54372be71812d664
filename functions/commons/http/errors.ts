/**
 * A refusal the caller can act on. Handlers and the domain throw it; the error middleware turns it
 * into `{ "error": { "code", "message" } }` with its status.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (code: string, message: string): ApiError => new ApiError(400, code, message);

/**
 * AWS SDK errors carry `$metadata`; a failing DynamoDB call is a storage failure (answered 5xx so
 * the caller retries), except DynamoDB refusing the item itself (a key or item over its size
 * limits): retrying cannot help, so that one is a bad item, not storage being down.
 */
export const isStorageError = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  '$metadata' in error &&
  (error as { name?: unknown }).name !== 'ValidationException';
