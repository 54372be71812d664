import { DAY as DAY_SECONDS, utcDay } from '#domain/time';
import { RETRYABLE_META_CODES } from './graph-client';
import { isObject, optionalString, parseJson, requestGraph, withoutSecret } from './graph-request';

/**
 * Client for Meta's `pricing_analytics` (whatsapp-platform.md §6): the delivered messages of a WABA
 * per day, business number, country, pricing category and pricing type, with their approximate cost.
 *
 * Request: `GET {baseUrl}/{apiVersion}/{wabaId}?fields=pricing_analytics.start(<unix>).end(<unix>)
 * .granularity(DAILY)[.phone_numbers([...])].dimensions(["COUNTRY","PRICING_CATEGORY","PRICING_TYPE","PHONE"])`
 * with the token in the Authorization header only. `start` is `from` at 00:00 UTC, `end` the day after
 * `to` at 00:00 UTC (the days are inclusive; Meta reads `end` as an exclusive bound).
 *
 * What Meta's answer is and is not (M-ANALYTICS):
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

export interface MetaPricingPoint {
  /** YYYY-MM-DD: the UTC date of the middle of Meta's daily bucket (the WABA's local day, see above) */
  day: string;
  /** Meta's `phone_number`: the business display number, when the PHONE dimension is present */
  phoneNumber?: string;
  /** ISO 3166 alpha-2, upper-case; ZZ when Meta gave none */
  country: string;
  /** lower-case, `-` as `_`: marketing, marketing_lite, utility, authentication, authentication_international, service, referral_conversion */
  pricingCategory: string;
  /** lower-case: regular, free_customer_service, free_entry_point */
  pricingType: string;
  /** delivered messages */
  volume: number;
  /** in the WABA's currency; absent when Meta gave none (Solution Partner credit line) */
  cost?: number;
  /** Meta's volume tier `<lower>:<upper|MAX>`, on tiered billable points only */
  tier?: string;
}

export interface PricingAnalyticsSuccess {
  ok: true;
  points: MetaPricingPoint[];
  /** pages read */
  pages: number;
  /** data points left out because they lacked a day or a volume */
  skippedPoints: number;
}

/**
 * `http`: Meta answered an error status (or a 2xx carrying `error`); `timeout`: no answer within
 * timeoutMs; `network`: the request failed before an answer; `invalid-response`: a 2xx that is not a
 * pricing_analytics answer; `invalid-request`: the query itself is wrong (nothing was sent);
 * `token`: the access token could not be read; `too-many-pages`: paging went past maxPages.
 */
export type PricingAnalyticsFailureKind =
  'http' | 'timeout' | 'network' | 'invalid-response' | 'invalid-request' | 'token' | 'too-many-pages';

export interface PricingAnalyticsFailure {
  ok: false;
  kind: PricingAnalyticsFailureKind;
  /** 0 when no answer arrived */
  httpStatus: number;
  /** Meta's `error.code` (190: the token is invalid or expired) */
  code?: number;
  /** Meta's `error.type`, e.g. OAuthException */
  type?: string;
  /** never carries the token */
  message: string;
  /** Meta's `error.fbtrace_id`, for Meta support */
  fbtraceId?: string;
  /** whether trying again later may help */
  retryable: boolean;
  /** the wait Meta asked for in Retry-After on the last answer */
  retryAfterMs?: number;
  /** attempts on the failing page */
  attempts: number;
  /** pages read successfully before the failure */
  pages: number;
}

export type PricingAnalyticsResult = PricingAnalyticsSuccess | PricingAnalyticsFailure;

export interface PricingAnalyticsClient {
  fetchPricingAnalytics(query: PricingAnalyticsQuery): Promise<PricingAnalyticsResult>;
}

export const PRICING_ANALYTICS_DIMENSIONS = ['COUNTRY', 'PRICING_CATEGORY', 'PRICING_TYPE', 'PHONE'] as const;

/** Meta keeps pricing analytics for one year (since 2025-12-01); a leap year's worth of days is allowed. */
const MAX_DAYS = 366;
const MAX_BACKOFF_MS = 8_000;
const AUTH_CODES: ReadonlySet<number> = new Set([0, 190]);
/** Graph API call-rate limits (app: 4, WABA: 80007): worth a later try, per §4.4. */
const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 80007]);
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DISPLAY_NUMBER = /^\+?\d{5,20}$/;

const DEFAULTS = { timeoutMs: 10_000, maxAttempts: 3, baseDelayMs: 500, maxRetryAfterMs: 10_000, maxPages: 50 };

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A finite number, or a numeric string (Graph sometimes writes numbers as strings). */
const optionalNumber = (value: unknown): number | undefined => {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
};

/** Epoch seconds of a UTC day's midnight, or undefined when it is not a real calendar day. */
const dayStart = (day: string): number | undefined => {
  const match = DAY.exec(day);
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

/** One of Meta's data points, or undefined when it lacks what a point needs (a start and a volume). */
export const parseDataPoint = (value: unknown): MetaPricingPoint | undefined => {
  if (!isObject(value)) return undefined;
  const start = optionalNumber(value.start);
  const volume = optionalNumber(value.volume);
  if (start === undefined || volume === undefined || !Number.isInteger(volume) || volume < 0) return undefined;
  const end = optionalNumber(value.end);
  const middle = Math.floor(end !== undefined && end > start ? (start + end) / 2 : start + DAY_SECONDS / 2);
  const point: MetaPricingPoint = {
    day: utcDay(middle),
    country: optionalString(value.country)?.trim().toUpperCase() ?? 'ZZ',
    pricingCategory: (optionalString(value.pricing_category) ?? 'unknown').trim().toLowerCase().replace(/-/g, '_'),
    pricingType: (optionalString(value.pricing_type) ?? 'unknown').trim().toLowerCase(),
    volume,
  };
  const phoneNumber = optionalString(value.phone_number);
  if (phoneNumber !== undefined) point.phoneNumber = phoneNumber;
  const cost = optionalNumber(value.cost);
  if (cost !== undefined) point.cost = cost;
  const tier = optionalString(value.tier);
  if (tier !== undefined) point.tier = tier;
  return point;
};

type PageOutcome =
  | { ok: true; points: MetaPricingPoint[]; skipped: number; next?: string }
  | Omit<PricingAnalyticsFailure, 'attempts' | 'pages'>;

/** A page: `{ pricing_analytics: { data, paging? }, id }` first, the bare edge `{ data, paging? }` after. */
const parsePage = (status: number, text: string): PageOutcome => {
  const body = parseJson(text);
  const edge = isObject(body) ? (isObject(body.pricing_analytics) ? body.pricing_analytics : body) : undefined;
  if (isObject(body) && isObject(body.error)) return parseFailure(status, text, undefined);
  if (!isObject(body)) {
    return {
      ok: false,
      kind: 'invalid-response',
      httpStatus: status,
      message: `The Graph API answered ${status} with something other than a JSON object`,
      retryable: false,
    };
  }
  // A WABA without any delivered message in the range answers without the field at all.
  if (edge === body && body.pricing_analytics === undefined && body.data === undefined) {
    return { ok: true, points: [], skipped: 0 };
  }
  if (!isObject(edge) || (edge.data !== undefined && !Array.isArray(edge.data))) {
    return {
      ok: false,
      kind: 'invalid-response',
      httpStatus: status,
      message: `The Graph API answered ${status} without a readable pricing_analytics.data`,
      retryable: false,
    };
  }
  const points: MetaPricingPoint[] = [];
  let skipped = 0;
  for (const block of Array.isArray(edge.data) ? edge.data : []) {
    const dataPoints = isObject(block) && Array.isArray(block.data_points) ? block.data_points : [];
    for (const raw of dataPoints) {
      const point = parseDataPoint(raw);
      if (point) points.push(point);
      else skipped += 1;
    }
  }
  const paging = isObject(edge.paging) ? edge.paging : isObject(body.paging) ? body.paging : undefined;
  const next = paging ? optionalString(paging.next) : undefined;
  return { ok: true, points, skipped, ...(next === undefined ? {} : { next }) };
};

const parseFailure = (
  status: number,
  text: string,
  retryAfterMs: number | undefined,
): Omit<PricingAnalyticsFailure, 'attempts' | 'pages'> => {
  const body = parseJson(text);
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  const failure: Omit<PricingAnalyticsFailure, 'attempts' | 'pages'> = {
    ok: false,
    kind: 'http',
    httpStatus: status,
    message: (error && optionalString(error.message)) ?? `The Graph API answered HTTP ${status}`,
    retryable: false,
  };
  if (error) {
    const code = optionalNumber(error.code);
    const type = optionalString(error.type);
    const fbtraceId = optionalString(error.fbtrace_id);
    if (code !== undefined) failure.code = code;
    if (type !== undefined) failure.type = type;
    if (fbtraceId !== undefined) failure.fbtraceId = fbtraceId;
  }
  if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
  const code = failure.code;
  failure.retryable =
    (code === undefined || !AUTH_CODES.has(code)) &&
    status !== 401 &&
    (status === 429 ||
      status >= 500 ||
      (code !== undefined && (RETRYABLE_META_CODES.has(code) || RATE_LIMIT_CODES.has(code))));
  return failure;
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
    if (!answer.answered)
      return { ok: false, kind: answer.kind, httpStatus: 0, message: answer.message, retryable: true };
    if (answer.ok) return parsePage(answer.status, answer.text);
    return parseFailure(answer.status, answer.text, answer.retryAfterMs);
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
      if ((last - start) / DAY_SECONDS + 1 > MAX_DAYS) {
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

      const field = pricingAnalyticsField(start, last + DAY_SECONDS, phoneNumbers);
      const origin = new URL(baseUrl).origin;
      let url = `${baseUrl}/${encodeURIComponent(options.apiVersion)}/${encodeURIComponent(query.wabaId)}?fields=${encodeURIComponent(field)}`;
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
