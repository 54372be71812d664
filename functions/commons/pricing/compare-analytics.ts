import type { MetaPricingPoint } from '#graph/pricing-analytics';
import type { CostReport, Reconciliation } from './cost-report';
import { normalizeCategory } from './rate-card';

/**
 * Our cost report against Meta's `pricing_analytics` for the same days: per (day, country, category)
 * the delivered messages and their cost on both sides, listing only where they differ. Pure.
 *
 * What is compared:
 * - our side: the report's per-message rows (pricing model PMP): billable units under their category,
 *   free units (see below), cost as reported; conversation-model days are left out on both sides,
 *   because Meta's pricing_analytics counts delivered messages, not conversations;
 * - Meta's side: the points of the report's days (`from`..`to`), summed over pricing types, tiers and
 *   business numbers. When points carry a phone number, only the report's business numbers count:
 *   those of its rows, plus every number named in `options.phoneNumbers`;
 * - categories are Meta's, lower-cased with `-` as `_`, so `authentication_international` stays apart
 *   from `authentication`, and `marketing_lite`, `service`, `referral_conversion` keep their names;
 * - free messages are one line, category `free`, per day and country: every unit we count as free,
 *   and every Meta point whose pricing type is not `regular`. Meta labels them inconsistently (its
 *   reference says in-window utility is `SERVICE`, its example shows `UTILITY`/`FREE_CUSTOMER_SERVICE`;
 *   free-entry-point messages appear as `SERVICE` or `REFERRAL_CONVERSION`), while ours follow the
 *   template's category; comparing them by category would report the same messages twice with
 *   opposite signs every day;
 * - differences are Meta's figure minus ours: a positive volume or cost difference means Meta counts
 *   or charges more than we do.
 *
 * Caveats, kept in mind when reading the result:
 * - Meta's analytics are approximate and can differ from the invoice; small differences are expected;
 * - `cost` is missing for WABAs on a Solution Partner's credit line: when no point carries a cost, no
 *   cost is compared (`costDifference` 0, no `metaCost`), only volumes;
 * - Meta's cost is in the WABA's currency; pass `options.currency` (the WABA's `currency` field) to
 *   skip the cost comparison when it is not the report's currency;
 * - Meta's daily buckets follow the WABA's time zone (see pricing-analytics.ts), ours are UTC days: for
 *   a WABA outside UTC, messages delivered near midnight move between neighbouring days;
 * - Meta's `phone_number` is the business display number while our rows carry the phone number id:
 *   pass `options.phoneNumbers` (display number → phone number id) so Meta's points can be matched;
 *   a point's number that is itself one of the report's phone number ids is matched as is.
 */

export type MetaAnalyticsDifference = NonNullable<Reconciliation['metaAnalytics']>[number] & {
  metaVolume: number;
  ourVolume: number;
  /** absent when Meta gave no cost for this line (partner credit line) or costs are not compared */
  metaCost?: number;
  ourCost: number;
};

export interface CompareAnalyticsOptions {
  /** Meta's `phone_number` (the business display number, digits) → our phone number id */
  phoneNumbers?: Readonly<Record<string, string>>;
  /** the WABA's currency; when it is not the report's, costs are not compared */
  currency?: string;
}

/** The category of free (uncharged) messages in the comparison, whatever their template category. */
export const FREE_CATEGORY = 'free';
/** Cost differences up to this amount (a cent) are rounding, not differences. */
export const COST_TOLERANCE = 0.01;

const MICROS = 1_000_000;
const TOLERANCE_MICROS = Math.round(COST_TOLERANCE * MICROS);
const SEP = '\u0000';

interface Line {
  day: string;
  country: string;
  category: string;
  ourVolume: number;
  ourCostMicros: number;
  metaVolume: number;
  metaCostMicros: number;
  /** every Meta point of the line carried a cost */
  metaCostKnown: boolean;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const micros = (amount: number): number => Math.round(amount * MICROS);

export const compareWithAnalytics = (
  report: CostReport,
  points: readonly MetaPricingPoint[],
  options: CompareAnalyticsOptions = {},
): MetaAnalyticsDifference[] => {
  const lines = new Map<string, Line>();
  const line = (day: string, country: string, category: string): Line => {
    const key = [day, country, category].join(SEP);
    let held = lines.get(key);
    if (!held) {
      held = {
        day,
        country,
        category,
        ourVolume: 0,
        ourCostMicros: 0,
        metaVolume: 0,
        metaCostMicros: 0,
        metaCostKnown: true,
      };
      lines.set(key, held);
    }
    return held;
  };

  const numbers = new Set<string>(report.rows.map((row) => row.phoneNumberId));
  for (const id of Object.values(options.phoneNumbers ?? {})) numbers.add(id);
  const conversationDays = new Set(report.rows.filter((row) => row.pricingModel === 'CBP').map((row) => row.day));
  const compared = (day: string): boolean => day >= report.from && day <= report.to && !conversationDays.has(day);

  for (const row of report.rows) {
    if (row.pricingModel !== 'PMP' || !compared(row.day)) continue;
    const country = row.country.trim().toUpperCase();
    if (row.billableUnits !== 0 || row.cost !== 0) {
      const billable = line(row.day, country, normalizeCategory(row.category));
      billable.ourVolume += row.billableUnits;
      billable.ourCostMicros += micros(row.cost);
    }
    if (row.freeUnits !== 0) line(row.day, country, FREE_CATEGORY).ourVolume += row.freeUnits;
  }

  let metaGaveCost = false;
  for (const point of points) {
    if (!compared(point.day)) continue;
    if (point.phoneNumber !== undefined) {
      const id = options.phoneNumbers?.[point.phoneNumber] ?? point.phoneNumber;
      if (!numbers.has(id)) continue;
    }
    const free = point.pricingType.trim().toLowerCase() !== 'regular';
    const category = free ? FREE_CATEGORY : normalizeCategory(point.pricingCategory);
    const held = line(point.day, point.country.trim().toUpperCase(), category);
    held.metaVolume += point.volume;
    if (point.cost === undefined) held.metaCostKnown = false;
    else {
      metaGaveCost = true;
      held.metaCostMicros += micros(point.cost);
    }
  }
  const compareCost =
    metaGaveCost && (options.currency === undefined || options.currency.toUpperCase() === report.currency);

  const out: MetaAnalyticsDifference[] = [];
  for (const held of lines.values()) {
    const costKnown = compareCost && held.metaCostKnown;
    const volumeDifference = held.metaVolume - held.ourVolume;
    const costDifferenceMicros = costKnown ? held.metaCostMicros - held.ourCostMicros : 0;
    if (volumeDifference === 0 && Math.abs(costDifferenceMicros) <= TOLERANCE_MICROS) continue;
    out.push({
      day: held.day,
      country: held.country,
      category: held.category,
      volumeDifference,
      costDifference: costDifferenceMicros / MICROS,
      metaVolume: held.metaVolume,
      ourVolume: held.ourVolume,
      ...(costKnown ? { metaCost: held.metaCostMicros / MICROS } : {}),
      ourCost: held.ourCostMicros / MICROS,
    });
  }
  return out.sort(
    (a, b) => compareText(a.day, b.day) || compareText(a.country, b.country) || compareText(a.category, b.category),
  );
};
