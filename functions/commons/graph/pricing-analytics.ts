import { DAY } from '#domain/time';
import { graphUrl, outcomeOf, realSleep, requestGraph, withoutSecret } from './graph-request';
import {
  parseFailure,
  parsePage,
  type MetaPricingPoint,
  type PageOutcome,
  type PricingAnalyticsFailure,
} from './pricing-analytics-page';

export {
  parseDataPoint,
  type MetaPricingPoint,
  type PricingAnalyticsFailure,
  type PricingAnalyticsFailureKind,
} from './pricing-analytics-page';

/**
 * Client for Meta's `pricing_analytics`
 * (https://developers.facebook.com/docs/whatsapp/business-management-api/analytics#pricing-analytics):
 * the delivered messages of a WABA
 * per day, business number, country, pricing category and pricing type, with their approximate cost.
 *
 * Request: `GET {baseUrl}/{apiVersion}/{wabaId}?fields=pricing_analytics.start(<unix>).end(<unix>)
 * .granularity(DAILY)[.phone_numbers([...])].dimensions(["COUNTRY","PRICING_CATEGORY","PRICING_TYPE","PHONE"])`
 * with the token in the Authorization header only. `start` is `from` at 00:00 UTC, `end` the day after
 * `to` at 00:00 UTC (the days are inclusive; Meta reads `end` as an exclusive bound).
 *
 * What Meta's answer is and is not:
 * - approximate ("can differ from invoices"); the lookback is one year;
 * - `cost` is in the WABA's currency and absent for WABAs on a Solution Partner's credit line;
 * - `phone_number` is the business *display* number (digits, e.g. 15550783881), not the phone
 *   number id, and `phone_numbers([...])` filters by display numbers too;
 * - DAILY buckets follow the WABA's time zone (Meta's own example buckets start at 07:00 UTC), so
 *   each point's `day` is the UTC date of its bucket's middle: the WABA's local date for any offset
 *   within ±12 h, which may differ from our UTC days for messages delivered near midnight.
 *
 * Like the send client, it retries what is temporary (network errors, timeouts, 429, 5xx, Meta's
 * temporary codes) with exponential backoff, never authentication or other 4xx failures, returns a
 * typed failure instead of throwing, never logs, and scrubs the token from every text it returns.
 * `paging.next` is followed (on the same origin only, so the token never leaves for another host) up
 * to `maxPages`; a longer answer is a failure rather than a silently partial one.
 */

export interface PricingAnalyticsClientOptions {
  /** e.g. https://graph.facebook.com, or the local sandbox's url; a trailing slash is ignored */
  baseUrl: string;
  /** e.g. v24.0 */
  apiVersion: string;
  /** the token, or a function read once per fetch (rotation is picked up on the next fetch) */
  accessToken: string | (() => string | Promise<string>);
  fetch?: typeof fetch;
  /** per attempt, including reading the answer; default 10,000 ms */
  timeoutMs?: number;
  /** attempts per page, the first included; default 3 */
  maxAttempts?: number;
  /** the pause before the first retry, doubled for each next one (at most 8 s); default 500 ms */
  baseDelayMs?: number;
  /** the longest Retry-After honoured; a longer one ends the fetch with a retryable failure. Default 10,000 ms */
  maxRetryAfterMs?: number;
  /** pages followed through `paging.next`, the first included; default 50 */
  maxPages?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PricingAnalyticsQuery {
  wabaId: string;
  /** first UTC day, YYYY-MM-DD */
  from: string;
  /** last UTC day, YYYY-MM-DD, inclusive */
  to: string;
  /** Meta's display numbers (digits) to restrict the answer to; all the WABA's numbers when absent */
  phoneNumbers?: string[];
}

export interface PricingAnalyticsSuccess {
  ok: true;
  points: MetaPricingPoint[];
  /** pages read */
  pages: number;
  /** data points left out because they lacked a day or a volume */
  skippedPoints: number;
}

export type PricingAnalyticsResult = PricingAnalyticsSuccess | PricingAnalyticsFailure;

export interface PricingAnalyticsClient {
  fetchPricingAnalytics(query: PricingAnalyticsQuery): Promise<PricingAnalyticsResult>;
}

export const PRICING_ANALYTICS_DIMENSIONS = ['COUNTRY', 'PRICING_CATEGORY', 'PRICING_TYPE', 'PHONE'] as const;

/** Meta keeps pricing analytics for one year (since 2025-12-01); a leap year's worth of days is allowed. */
const MAX_DAYS = 366;
const MAX_BACKOFF_MS = 8_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DISPLAY_NUMBER = /^\+?\d{5,20}$/;

const DEFAULTS = { timeoutMs: 10_000, maxAttempts: 3, baseDelayMs: 500, maxRetryAfterMs: 10_000, maxPages: 50 };

/** Epoch seconds of a UTC day's midnight, or undefined when it is not a real calendar day. */
const dayStart = (day: string): number | undefined => {
  const match = DAY_PATTERN.exec(day);
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, date);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) {
    return undefined;
  }
  return ms / 1000;
};

/** The `fields` value of the first page. */
export const pricingAnalyticsField = (startSeconds: number, endSeconds: number, phoneNumbers?: string[]): string => {
  const phones =
    phoneNumbers && phoneNumbers.length > 0
      ? `.phone_numbers(${JSON.stringify(phoneNumbers.map((number) => number.replace(/^\+/, '')))})`
      : '';
  return (
    `pricing_analytics.start(${startSeconds}).end(${endSeconds}).granularity(DAILY)${phones}` +
    `.dimensions(${JSON.stringify(PRICING_ANALYTICS_DIMENSIONS)})`
  );
};

const invalidRequest = (message: string): PricingAnalyticsFailure => ({
  ok: false,
  kind: 'invalid-request',
  httpStatus: 0,
  message,
  retryable: false,
  attempts: 0,
  pages: 0,
});

export const createPricingAnalyticsClient = (options: PricingAnalyticsClientOptions): PricingAnalyticsClient => {
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? DEFAULTS.maxAttempts));
  const baseDelayMs = options.baseDelayMs ?? DEFAULTS.baseDelayMs;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs;
  const maxPages = Math.max(1, Math.floor(options.maxPages ?? DEFAULTS.maxPages));
  const sleep = options.sleep ?? realSleep;
  const doFetch = options.fetch ?? globalThis.fetch;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const readToken = async (): Promise<string> =>
    typeof options.accessToken === 'string' ? options.accessToken : await options.accessToken();

  const attemptOnce = async (url: string, token: string): Promise<PageOutcome> => {
    const answer = await requestGraph(
      doFetch,
      url,
      { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
      timeoutMs,
    );
    return outcomeOf(answer, parsePage, parseFailure);
  };

  /** One page with its retries; failures come back scrubbed of the token. */
  const fetchPage = async (
    url: string,
    token: string,
    pages: number,
  ): Promise<Extract<PageOutcome, { ok: true }> | PricingAnalyticsFailure> => {
    for (let attempts = 1; ; attempts += 1) {
      const outcome = await attemptOnce(url, token);
      if (outcome.ok) return outcome;
      const failure: PricingAnalyticsFailure = {
        ...outcome,
        message: withoutSecret(outcome.message, token),
        attempts,
        pages,
      };
      if (!failure.retryable || attempts >= maxAttempts) return failure;
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > maxRetryAfterMs) return failure;
      await sleep(failure.retryAfterMs ?? Math.min(MAX_BACKOFF_MS, baseDelayMs * 2 ** (attempts - 1)));
    }
  };

  return {
    async fetchPricingAnalytics(query) {
      const start = dayStart(query.from);
      const last = dayStart(query.to);
      if (start === undefined) return invalidRequest(`from must be a UTC day written YYYY-MM-DD`);
      if (last === undefined) return invalidRequest(`to must be a UTC day written YYYY-MM-DD`);
      if (start > last) return invalidRequest(`from (${query.from}) is after to (${query.to})`);
      if ((last - start) / DAY + 1 > MAX_DAYS) {
        return invalidRequest(`the range spans more than ${MAX_DAYS} days; Meta keeps pricing analytics for one year`);
      }
      if (!/^\d+$/.test(query.wabaId))
        return invalidRequest('wabaId must be the WhatsApp Business Account id (digits)');
      const phoneNumbers = query.phoneNumbers ?? [];
      if (phoneNumbers.some((number) => !DISPLAY_NUMBER.test(number))) {
        return invalidRequest('phoneNumbers must be business display numbers (digits, as Meta writes them)');
      }

      let token: string;
      try {
        token = await readToken();
      } catch {
        return { ...invalidRequest('The access token could not be read'), kind: 'token', retryable: true };
      }
      if (token.length === 0) return { ...invalidRequest('The access token is empty'), kind: 'token' };

      const field = pricingAnalyticsField(start, last + DAY, phoneNumbers);
      const origin = new URL(baseUrl).origin;
      let url = `${graphUrl(baseUrl, options.apiVersion, query.wabaId)}?fields=${encodeURIComponent(field)}`;
      const points: MetaPricingPoint[] = [];
      let skippedPoints = 0;
      const seen = new Set<string>();
      for (let pages = 0; ;) {
        seen.add(url);
        const page = await fetchPage(url, token, pages);
        if (!page.ok) return page;
        pages += 1;
        points.push(...page.points);
        skippedPoints += page.skipped;
        if (page.next === undefined || page.points.length === 0) return { ok: true, points, pages, skippedPoints };
        let next: URL;
        try {
          next = new URL(page.next, `${baseUrl}/`);
        } catch {
          next = new URL('about:blank');
        }
        if (next.origin !== origin) {
          return {
            ok: false,
            kind: 'invalid-response',
            httpStatus: 200,
            message: `paging.next points away from ${origin}; not followed, so the token stays with the Graph API`,
            retryable: false,
            attempts: 1,
            pages,
          };
        }
        // Meta may put the token in paging.next; it is sent in the header only.
        next.searchParams.delete('access_token');
        url = next.toString();
        if (seen.has(url)) return { ok: true, points, pages, skippedPoints };
        if (pages >= maxPages) {
          return {
            ok: false,
            kind: 'too-many-pages',
            httpStatus: 200,
            message: `pricing_analytics went on past ${maxPages} pages; ask for fewer days at a time`,
            retryable: false,
            attempts: 1,
            pages,
          };
        }
      }
    },
  };
};
