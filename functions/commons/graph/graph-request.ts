/** What both Graph API clients (sends, pricing_analytics) share: one timed request, and scrubbing. */

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
