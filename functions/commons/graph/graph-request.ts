/**
 * What both Graph API clients (sends, pricing_analytics) share: one timed request, reading Meta's
 * error answer, which failures are worth another try, and scrubbing the token.
 * https://developers.facebook.com/docs/graph-api/guides/error-handling
 */

import { isObject } from '#commons/json';

export { isObject };

/** Graph answers are JSON, except when a proxy or an outage answers instead. */
export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

export const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** A finite number, or a numeric string (Graph sometimes writes numbers as strings). */
export const optionalNumber = (value: unknown): number | undefined => {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
};

/** Meta's codes are whole numbers; a numeric string is accepted too. */
const optionalCode = (value: unknown): number | undefined => {
  const code = optionalNumber(value);
  return code !== undefined && Number.isInteger(code) ? code : undefined;
};

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `{baseUrl}/{version}/{node}[/{edge}]`, each part escaped; a trailing slash on the base is ignored. */
export const graphUrl = (baseUrl: string, apiVersion: string, node: string, edge?: string): string =>
  `${baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(apiVersion)}/${encodeURIComponent(node)}${edge === undefined ? '' : `/${edge}`}`;

/**
 * Meta error codes worth retrying: throughput (130429), pair rate (131056), temporary or unknown
 * errors (131000, 1, 2, 131016), maintenance (133004, 131057).
 * https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
 */
export const RETRYABLE_META_CODES: ReadonlySet<number> = new Set([
  130429, 131056, 131000, 1, 2, 131016, 133004, 131057,
]);

/** Graph API call-rate limits (application: 4, WhatsApp Business Account: 80007). */
export const CALL_RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 80007]);

/** Authentication failures: retrying with the same token cannot help. */
const AUTH_CODES: ReadonlySet<number> = new Set([0, 190]);

const NO_CODES: ReadonlySet<number> = new Set();

/** Meta's error answer as both clients report it; `message` and `details` may still carry the token. */
export interface GraphError {
  /** 0 when no answer arrived (timeout, network) */
  httpStatus: number;
  /** Meta's `error.code` */
  code?: number;
  /** Meta's `error.error_subcode` (not returned since v16.0) */
  subcode?: number;
  /** Meta's `error.type`, e.g. OAuthException */
  type?: string;
  message: string;
  /** Meta's `error.error_data.details` */
  details?: string;
  /** Meta's `error.fbtrace_id`, for Meta support */
  fbtraceId?: string;
  /** the wait Meta asked for in Retry-After */
  retryAfterMs?: number;
}

/** Reads `{ "error": { message, type, code, error_subcode, error_data, fbtrace_id } }`, or what little there is. */
export const readGraphError = (status: number, text: string, retryAfterMs: number | undefined): GraphError => {
  const body = parseJson(text);
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  const failure: GraphError = {
    httpStatus: status,
    message: (error && optionalString(error.message)) ?? `The Graph API answered HTTP ${status}`,
  };
  if (error) {
    const code = optionalCode(error.code);
    const subcode = optionalCode(error.error_subcode);
    const type = optionalString(error.type);
    const details = isObject(error.error_data) ? optionalString(error.error_data.details) : undefined;
    const fbtraceId = optionalString(error.fbtrace_id);
    if (code !== undefined) failure.code = code;
    if (subcode !== undefined) failure.subcode = subcode;
    if (type !== undefined) failure.type = type;
    if (details !== undefined) failure.details = details;
    if (fbtraceId !== undefined) failure.fbtraceId = fbtraceId;
  }
  if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
  return failure;
};

/**
 * Temporary: 429, 5xx, or a retryable Meta code (plus `alsoRetryable`), never an authentication
 * failure (401, code 0 or 190), whatever else the answer says.
 */
export const isRetryable = (failure: GraphError, alsoRetryable: ReadonlySet<number> = NO_CODES): boolean => {
  const { httpStatus: status, code } = failure;
  if (status === 401 || (code !== undefined && AUTH_CODES.has(code))) return false;
  return (
    status === 429 ||
    status >= 500 ||
    (code !== undefined && (RETRYABLE_META_CODES.has(code) || alsoRetryable.has(code)))
  );
};

/** Retry-After as delta seconds or an HTTP date; undefined when absent or unreadable. */
export const parseRetryAfter = (header: string | null, nowMs: number = Date.now()): number | undefined => {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
};

/** The access token never leaves in a message or detail we return. */
export const withoutSecret = (text: string, secret: string): string =>
  secret.length > 0 ? text.split(secret).join('[redacted]') : text;

export const describeError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (isObject(cause) && typeof cause.code === 'string') return `${error.message} (${cause.code})`;
  if (cause instanceof Error) return `${error.message} (${cause.message})`;
  return error.message;
};

export type GraphAnswer =
  | { answered: true; status: number; ok: boolean; text: string; retryAfterMs: number | undefined }
  | { answered: false; kind: 'timeout' | 'network'; message: string };

/** No answer at all: a failure worth another try (the request may not have arrived). */
export const unanswered = (answer: Extract<GraphAnswer, { answered: false }>) => ({
  ok: false as const,
  kind: answer.kind,
  httpStatus: 0,
  message: answer.message,
  retryable: true,
});

/** One attempt's outcome from its answer: no answer (worth another try), a success, or Meta's failure, each parsed. */
export const outcomeOf = <Success, Failure>(
  answer: GraphAnswer,
  parse: (status: number, text: string) => Success,
  parseFailure: (status: number, text: string, retryAfterMs: number | undefined) => Failure,
): Success | Failure | ReturnType<typeof unanswered> => {
  if (!answer.answered) return unanswered(answer);
  return answer.ok ? parse(answer.status, answer.text) : parseFailure(answer.status, answer.text, answer.retryAfterMs);
};

/** One request with its own timeout; a timeout or a network error is an answer too, never a throw. */
export const requestGraph = async (
  doFetch: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<GraphAnswer> => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await doFetch(url, { ...init, signal: controller.signal });
    const text = await response.text();
    return {
      answered: true,
      status: response.status,
      ok: response.ok,
      text,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    };
  } catch (error) {
    if (controller.signal.aborted) {
      return { answered: false, kind: 'timeout', message: `The Graph API did not answer within ${timeoutMs} ms` };
    }
    return { answered: false, kind: 'network', message: `The Graph API could not be reached: ${describeError(error)}` };
  } finally {
    clearTimeout(timer);
  }
};
