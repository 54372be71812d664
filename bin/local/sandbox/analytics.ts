/**
 * Meta's `pricing_analytics` over what the sandbox delivered
 * (https://developers.facebook.com/docs/whatsapp/business-management-api/analytics#pricing-analytics):
 * one data point per UTC day of the `delivered` status and per requested dimension (PHONE: the display
 * number; COUNTRY: the recipient's; PRICING_CATEGORY, PRICING_TYPE: from the message's pricing),
 * volume = messages, cost from `pricingRate` when set. Filters (phone_numbers, country_codes,
 * pricing_categories, pricing_types, metric_types) apply as Meta's do; granularity DAILY only.
 *
 * Meta counts delivery whether or not our webhook endpoint took the status, so a status the engine
 * missed shows up here as Meta counting one more. Categories and types are upper-cased as Meta writes
 * them in analytics (`AUTHENTICATION_INTERNATIONAL`); daily buckets are UTC days (a WABA whose time
 * zone is UTC). Tiers are not modelled (`TIER` is accepted and ignored).
 */
import { countryOf } from '#domain/country';
import { DAY } from '#domain/time';
import { graphError, invalidParameter, unsupportedGet, type Json } from './errors';
import type { SandboxSentMessage } from './messages';

const DIMENSIONS = new Set(['COUNTRY', 'PHONE', 'PRICING_CATEGORY', 'PRICING_TYPE', 'TIER']);
const MODIFIERS = new Set([
  'start',
  'end',
  'granularity',
  'phone_numbers',
  'country_codes',
  'metric_types',
  'pricing_types',
  'pricing_categories',
  'dimensions',
]);

/** The cost of one billable message, given the recipient's country and lower-case category and type. */
export type PricingRate = (country: string, category: string, type: string) => number;

export interface AnalyticsContext {
  wabaId: string;
  displayPhoneNumber: string;
  pricingRate?: PricingRate;
}

/** Splits a Graph `fields` value at its top-level commas (commas inside a modifier's parentheses stay). */
export const splitFields = (fields: string): string[] => {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of fields) {
    if (char === '(') depth += 1;
    else if (char === ')') depth = Math.max(0, depth - 1);
    if (char === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += char;
  }
  out.push(current.trim());
  return out.filter((field) => field.length > 0);
};

/** A modifier's argument as a list: `["A","B"]`, `[A,B]` and `A,B` all give A and B. */
const modifierList = (args: string): string[] =>
  args
    .trim()
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((value) =>
      value
        .trim()
        .replace(/^["']|["']$/g, '')
        .trim(),
    )
    .filter((value) => value.length > 0);

/** `pricing_analytics.start(1).end(2).dimensions(["A"])` → its name and modifiers; undefined when malformed. */
export const parseFieldExpansion = (field: string): { name: string; modifiers: Map<string, string[]> } | undefined => {
  const match = /^([a-z_]+)((?:\.[a-z_]+\([^()]*\))*)$/.exec(field);
  if (!match?.[1]) return undefined;
  const modifiers = new Map<string, string[]>();
  for (const [, key, args] of (match[2] ?? '').matchAll(/\.([a-z_]+)\(([^()]*)\)/g)) {
    if (key !== undefined) modifiers.set(key, modifierList(args ?? ''));
  }
  return { name: match[1], modifiers };
};

interface AnalyticsQuery {
  start: number;
  end: number;
  dimensions: Set<string>;
  metrics: Set<string>;
  phones?: Set<string>;
  countries?: Set<string>;
  categories?: Set<string>;
  types?: Set<string>;
}

/** The modifiers of `pricing_analytics` read as Meta reads them; Meta's 100 error when one is wrong. */
const readQuery = (query: Map<string, string[]>): AnalyticsQuery => {
  for (const key of query.keys()) {
    if (!MODIFIERS.has(key)) throw invalidParameter(`pricing_analytics does not take ${key}.`);
  }
  const instant = (key: 'start' | 'end'): number => {
    const [value, ...rest] = query.get(key) ?? [];
    if (value === undefined || rest.length > 0 || !/^\d+$/.test(value)) {
      throw invalidParameter(`pricing_analytics needs ${key}(<UNIX timestamp>).`);
    }
    return Number(value);
  };
  const start = instant('start');
  const end = instant('end');
  if (end <= start) throw invalidParameter('pricing_analytics needs end after start.');
  const granularity = (query.get('granularity') ?? []).join(',').toUpperCase();
  if (granularity !== 'DAILY') {
    throw invalidParameter(
      ['HALF_HOUR', 'MONTHLY'].includes(granularity)
        ? `The sandbox answers granularity DAILY only, not ${granularity}.`
        : 'pricing_analytics needs granularity(DAILY|HALF_HOUR|MONTHLY).',
    );
  }
  const upper = (key: string): Set<string> | undefined => {
    const values = query.get(key);
    return values && values.length > 0 ? new Set(values.map((value) => value.toUpperCase())) : undefined;
  };
  const dimensions = upper('dimensions') ?? new Set<string>();
  const unknown = [...dimensions].find((dimension) => !DIMENSIONS.has(dimension));
  if (unknown !== undefined) throw invalidParameter(`Unknown dimension ${unknown}.`);
  const metrics = upper('metric_types') ?? new Set(['COST', 'VOLUME']);
  const unknownMetric = [...metrics].find((metric) => metric !== 'COST' && metric !== 'VOLUME');
  if (unknownMetric !== undefined) throw invalidParameter(`Unknown metric type ${unknownMetric}.`);
  const phones = query.get('phone_numbers');
  const result: AnalyticsQuery = { start, end, dimensions, metrics };
  if (phones && phones.length > 0) result.phones = new Set(phones.map((phone) => phone.replace(/^\+/, '')));
  const countries = upper('country_codes');
  const categories = upper('pricing_categories');
  const types = upper('pricing_types');
  if (countries) result.countries = countries;
  if (categories) result.categories = categories;
  if (types) result.types = types;
  return result;
};

/** The data points of one query over the messages sent so far. */
const dataPoints = (query: AnalyticsQuery, messages: readonly SandboxSentMessage[], context: AnalyticsContext) => {
  const { dimensions, metrics, pricingRate } = { ...query, ...context };
  const groups = new Map<string, { point: Json; volume: number; costMicros: number }>();
  for (const record of messages) {
    if (record.outcome !== 'accepted' || record.pricing === undefined) continue;
    // read implies delivered: Meta sends only `read` when both happen together
    const delivered =
      record.statuses.find((status) => status.status === 'delivered') ??
      record.statuses.find((status) => status.status === 'read');
    if (delivered === undefined || delivered.timestamp < query.start || delivered.timestamp >= query.end) continue;
    const country = countryOf({ waId: record.waId, userId: record.userId });
    const category = record.pricing.category.toUpperCase().replace(/-/g, '_');
    const type = record.pricing.type.toUpperCase();
    if (query.phones && !query.phones.has(context.displayPhoneNumber)) continue;
    if (query.countries && !query.countries.has(country)) continue;
    if (query.categories && !query.categories.has(category)) continue;
    if (query.types && !query.types.has(type)) continue;
    const dayStart = delivered.timestamp - (delivered.timestamp % DAY);
    const point: Json = { start: dayStart, end: dayStart + DAY };
    if (dimensions.has('PHONE')) point.phone_number = context.displayPhoneNumber;
    if (dimensions.has('COUNTRY')) point.country = country;
    if (dimensions.has('PRICING_TYPE')) point.pricing_type = type;
    if (dimensions.has('PRICING_CATEGORY')) point.pricing_category = category;
    const key = JSON.stringify(point);
    let group = groups.get(key);
    if (!group) {
      group = { point, volume: 0, costMicros: 0 };
      groups.set(key, group);
    }
    group.volume += 1;
    if (pricingRate && record.pricing.billable) {
      const rate = pricingRate(country, category.toLowerCase(), type.toLowerCase());
      if (!Number.isFinite(rate) || rate < 0) throw new Error('pricingRate must return a non-negative number');
      group.costMicros += Math.round(rate * 1_000_000);
    }
  }
  // without a rate, no cost at all: as for a WABA on a Solution Partner's credit line
  const withCost = pricingRate !== undefined && metrics.has('COST');
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, { point, volume, costMicros }]) => ({
      ...point,
      ...(metrics.has('VOLUME') ? { volume } : {}),
      ...(withCost ? { cost: costMicros / 1_000_000 } : {}),
    }));
};

/** `GET /{version}/{wabaId}?fields=...`: the WABA node with its pricing_analytics edge when asked for. */
export const answerWabaNode = (
  nodeId: string,
  fields: string | null,
  messages: readonly SandboxSentMessage[],
  context: AnalyticsContext,
): { answer: Json; points?: number; start?: number; end?: number } => {
  if (nodeId !== context.wabaId) throw unsupportedGet(nodeId);
  let modifiers: Map<string, string[]> | undefined;
  for (const field of splitFields(fields ?? '')) {
    if (field === 'id') continue;
    const parsed = parseFieldExpansion(field);
    if (parsed?.name !== 'pricing_analytics') {
      throw graphError(
        400,
        100,
        `(#100) Tried accessing nonexisting field (${field.split('.')[0] ?? field}) on node type (WhatsAppBusinessAccount)`,
      );
    }
    modifiers = parsed.modifiers;
  }
  if (modifiers === undefined) return { answer: { id: context.wabaId } };
  const query = readQuery(modifiers);
  const points = dataPoints(query, messages, context);
  return {
    answer: { pricing_analytics: { data: [{ data_points: points }] }, id: context.wabaId },
    points: points.length,
    start: query.start,
    end: query.end,
  };
};
