import { DAY, utcDay } from '#domain/time';
import {
  CALL_RATE_LIMIT_CODES,
  isObject,
  isRetryable,
  optionalNumber,
  optionalString,
  parseJson,
  readGraphError,
  type GraphError,
} from './graph-request';

/**
 * Reading one page of Meta's `pricing_analytics` answer
 * (https://developers.facebook.com/docs/whatsapp/business-management-api/analytics#pricing-analytics):
 * its data points, its paging, or Meta's error. The client (pricing-analytics.ts) asks and follows pages.
 */

export interface MetaPricingPoint {
  /** YYYY-MM-DD: the UTC date of the middle of Meta's daily bucket (the WABA's local day, see the client) */
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

/**
 * `http`: Meta answered an error status (or a 2xx carrying `error`); `timeout`: no answer within
 * timeoutMs; `network`: the request failed before an answer; `invalid-response`: a 2xx that is not a
 * pricing_analytics answer; `invalid-request`: the query itself is wrong (nothing was sent);
 * `token`: the access token could not be read; `too-many-pages`: paging went past maxPages.
 */
export type PricingAnalyticsFailureKind =
  'http' | 'timeout' | 'network' | 'invalid-response' | 'invalid-request' | 'token' | 'too-many-pages';

/** `code` 190: the token is invalid or expired; `message` never carries the token. */
export interface PricingAnalyticsFailure extends GraphError {
  ok: false;
  kind: PricingAnalyticsFailureKind;
  /** whether trying again later may help */
  retryable: boolean;
  /** attempts on the failing page */
  attempts: number;
  /** pages read successfully before the failure */
  pages: number;
}

export type PageFailure = Omit<PricingAnalyticsFailure, 'attempts' | 'pages'>;

export type PageOutcome = { ok: true; points: MetaPricingPoint[]; skipped: number; next?: string } | PageFailure;

/** One of Meta's data points, or undefined when it lacks what a point needs (a start and a volume). */
export const parseDataPoint = (value: unknown): MetaPricingPoint | undefined => {
  if (!isObject(value)) return undefined;
  const start = optionalNumber(value.start);
  const volume = optionalNumber(value.volume);
  if (start === undefined || volume === undefined || !Number.isInteger(volume) || volume < 0) return undefined;
  const end = optionalNumber(value.end);
  const middle = Math.floor(end !== undefined && end > start ? (start + end) / 2 : start + DAY / 2);
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

/** Meta's error answer; call-rate limits are worth a later try here, as reading analytics can wait. */
export const parseFailure = (status: number, text: string, retryAfterMs: number | undefined): PageFailure => {
  const failure = readGraphError(status, text, retryAfterMs);
  return { ok: false, kind: 'http', ...failure, retryable: isRetryable(failure, CALL_RATE_LIMIT_CODES) };
};

const invalidResponse = (status: number, message: string): PageFailure => ({
  ok: false,
  kind: 'invalid-response',
  httpStatus: status,
  message,
  retryable: false,
});

/** A page: `{ pricing_analytics: { data, paging? }, id }` first, the bare edge `{ data, paging? }` after. */
export const parsePage = (status: number, text: string): PageOutcome => {
  const body = parseJson(text);
  if (!isObject(body)) {
    return invalidResponse(status, `The Graph API answered ${status} with something other than a JSON object`);
  }
  if (isObject(body.error)) return parseFailure(status, text, undefined);
  const edge = isObject(body.pricing_analytics) ? body.pricing_analytics : body;
  // A WABA without any delivered message in the range answers without the field at all.
  if (edge === body && body.pricing_analytics === undefined && body.data === undefined) {
    return { ok: true, points: [], skipped: 0 };
  }
  if (edge.data !== undefined && !Array.isArray(edge.data)) {
    return invalidResponse(status, `The Graph API answered ${status} without a readable pricing_analytics.data`);
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
