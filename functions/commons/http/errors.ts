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

/** The services our signed requests reach besides DynamoDB (clients/aws-requests.ts), as a person knows them. */
const SERVICE_NAMES: Record<string, string> = {
  s3: 'S3 (where media and reports are kept)',
  secretsmanager: 'Secrets Manager (where the API tokens and Meta secrets are kept)',
};

/**
 * S3 or Secrets Manager throttled, failed on its side or never answered (clients/aws-requests.ts
 * AwsServiceError, read by its shape so that this module stays out of the bundles without them):
 * the service that did not answer, by name, or undefined for any other error.
 */
export const unavailableService = (error: unknown): string | undefined => {
  const { service, retryable } = (typeof error === 'object' && error !== null ? error : {}) as {
    service?: unknown;
    retryable?: unknown;
  };
  return typeof service === 'string' && retryable === true ? (SERVICE_NAMES[service] ?? service) : undefined;
};
