import { amountOf, costMicros } from './money';
import { isDay, priceOf, versionOn, type RateCard, type RateCardVersion, type Tier } from './rate-card';
import type { BillingUnit } from '#domain/delivery';

/**
 * The daily cost report, computed from the daily aggregates alone: its work grows with the number of
 * aggregate cells (days × numbers × countries × categories), never with the number of messages.
 *
 * Rules, per day in [from, to], under the rate card version in force on that day:
 * - conversation-model days price `conversation` cells, per-message days price `message` cells;
 * - units free by the version's pricing types or categories are counted as free units at no cost;
 * - a monthly allowance (2022: the first 1,000 conversations of any category; 2023-06 to 2024-10: the
 *   first 1,000 service conversations) is consumed in chronological order of days. Meta counts it per
 *   WABA; we count it per business number (phoneNumberId), because our aggregates carry no WABA;
 * - volume tiers are consumed per calendar month (UTC; Meta resets at midnight in the WABA's time
 *   zone) and per market–category pair, across all business numbers (Meta: per business portfolio);
 *   each tier's rate applies only to the units inside it, so a day crossing a tier gets one row per tier;
 * - a category the version does not know (e.g. `unclassified`), or a rate the card has no figure for,
 *   is priced at 0 and its row is flagged `unpriced`.
 * Within one day the aggregates hold no order, so allowances and tiers are consumed in the rows' sort
 * order (number, country, category, pricing type): deterministic, and the same on every run.
 * Cells of days before `from` in from's month count toward allowances and tiers but produce no rows.
 *
 * Amounts are integer micro-units of the card's currency; each row's cost is rounded once, half away
 * from zero, from its exact units × rate; the total is the exact sum of the rows' micro-units.
 */

/**
 * One cell of the daily aggregates, already summed over its shards (#store/report-store AggregateCell
 * without the 'difference' kind): 'message' is one delivered business message, 'conversation' one
 * conversation opened. Its country is ISO 3166 alpha-2 (ZZ when unknown: priced under Other); its
 * pricingModel as recorded (the report uses the model of the rate card version in force instead);
 * its units may be negative in one shard after a move, the sum over shards is what counts.
 */
export type CostCell = BillingUnit & { kind: 'message' | 'conversation'; units: number };

export type ReportPricingModel = 'CBP' | 'PMP';

export interface CostRow {
  day: string;
  phoneNumberId: string;
  country: string;
  market: string;
  /** the version's billing category (2022 days: business_initiated / user_initiated) */
  category: string;
  pricingModel: ReportPricingModel;
  billableUnits: number;
  freeUnits: number;
  /** the list rate per billable unit (0 when free by category or unpriced) */
  rate: number;
  /** billableUnits × rate, rounded once to the micro-unit */
  cost: number;
  /** the volume tier as `<after>:<upTo|MAX>` in monthly units, on tiered market–categories only */
  tier?: string;
  /** the card has no rate for these units (unknown category, or a null rate): cost 0, check them */
  unpriced?: true;
}

/**
 * Extension point, not built yet: where Meta's own pricing information (statuses' `pricing`, or
 * `pricing_analytics`) disagrees with ours, per country and category. `computeCostReport` never sets it.
 */
export interface Reconciliation {
  /** units whose category or pricing type Meta classified differently from us */
  classificationDifferences?: Array<{
    country: string;
    /** our own classification */
    category: string;
    pricingType: string;
    /** what Meta's statuses said, which the rows use */
    metaCategory: string;
    metaPricingType: string;
    units: number;
  }>;
  /** Meta's pricing_analytics for the same days, and the differences */
  metaAnalytics?: Array<{
    day: string;
    country: string;
    category: string;
    volumeDifference: number;
    costDifference: number;
  }>;
}

export interface CostReport {
  from: string;
  to: string;
  /** the rate card's currency ('USD' for the shipped card) */
  currency: string;
  total: number;
  rows: CostRow[];
  /** effectiveFrom of each rate card version applied to a day in the range */
  rateCardVersions: string[];
  /** units in rows flagged unpriced */
  unpricedUnits: number;
  /** cells whose units summed below zero (counted as zero) */
  warnings?: string[];
  reconciliation?: Reconciliation;
  /** the period of the same length just before this one, priced the same way (set by the report service) */
  previousPeriod?: PeriodTotal;
  /** per business number: its cost beside the previous period's, day by day (set by the report service) */
  numbers?: NumberTrend[];
  /** what the total is and is not: an estimate from the rate card in force, its unpriced units, the card's own notes */
  caveats?: string[];
  /** the templates that cost most in the range, from the template aggregates (set by the report service) */
  templates?: TemplateCost[];
}

export interface TemplateCost {
  template: string;
  /** the rate card's billing category it was priced as */
  category: string;
  /** delivered messages of the template */
  units: number;
  billableUnits: number;
  /** at the list rate of each market (volume tiers and monthly allowances are settled in the rows only) */
  cost: number;
  unpricedUnits: number;
}

export interface PeriodTotal {
  from: string;
  to: string;
  total: number;
  unpricedUnits: number;
}

export interface NumberTrend {
  phoneNumberId: string;
  /** the number as people dial it, where the configuration names it */
  displayNumber?: string;
  total: number;
  previousTotal: number;
  billableUnits: number;
  freeUnits: number;
  unpricedUnits: number;
  /** every day of the range, beside the day at the same place in the previous period */
  days: Array<{ day: string; cost: number; previousDay: string; previousCost: number }>;
}

export interface CostReportInput {
  rateCard: RateCard;
  cells: Iterable<CostCell>;
  from: string;
  to: string;
}

interface RowAccumulator {
  row: Omit<CostRow, 'cost' | 'rate'> & { rate: string };
  tierIndex: number;
}

const SEP = '\u0000';

const tierLabel = (tiers: readonly Tier[], index: number): string => {
  const after = index === 0 ? 0 : (tiers[index - 1]?.upTo ?? 0);
  return `${after}:${tiers[index]?.upTo ?? 'MAX'}`;
};

/** The index of the tier the next unit falls in, given the units already billed this month. */
const tierAt = (tiers: readonly Tier[], billed: number): number => {
  const index = tiers.findIndex((tier) => tier.upTo === null || billed < tier.upTo);
  return index === -1 ? tiers.length - 1 : index;
};

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const computeCostReport = ({ rateCard, cells, from, to }: CostReportInput): CostReport => {
  if (!isDay(from)) throw new RangeError(`from must be a UTC day written YYYY-MM-DD, not ${JSON.stringify(from)}`);
  if (!isDay(to)) throw new RangeError(`to must be a UTC day written YYYY-MM-DD, not ${JSON.stringify(to)}`);
  if (from > to) throw new RangeError(`from (${from}) is after to (${to})`);
  const monthStart = `${from.slice(0, 7)}-01`;
  const currency = rateCard.versions[0]?.currency ?? 'USD';

  // 1. Sum the cells by what prices them (the recorded pricing model is not part of it).
  const summed = new Map<string, CostCell>();
  for (const cell of cells) {
    if (cell.day < monthStart || cell.day > to) continue;
    if (!Number.isSafeInteger(cell.units))
      throw new RangeError(`cell units must be whole numbers, not ${cell.units} (${cell.day} ${cell.category})`);
    const country = cell.country.trim().toUpperCase();
    const key = [cell.day, cell.kind, cell.phoneNumberId, country, cell.category, cell.pricingType].join(SEP);
    const held = summed.get(key);
    if (held) held.units += cell.units;
    else summed.set(key, { ...cell, country, units: cell.units });
  }

  const byDay = new Map<string, CostCell[]>();
  for (const cell of summed.values()) {
    const list = byDay.get(cell.day);
    if (list) list.push(cell);
    else byDay.set(cell.day, [cell]);
  }

  const warnings: string[] = [];
  const allowanceUsed = new Map<string, number>(); // month + number → free units used
  const tierBilled = new Map<string, number>(); // month + market + category → billed units
  const rows = new Map<string, RowAccumulator>();
  const versionsUsed = new Set<string>();

  // 2. Walk the days in order; within a day, the cells in row order.
  for (const day of [...byDay.keys()].sort(compareText)) {
    const version: RateCardVersion | undefined = versionOn(rateCard, day);
    const reported = day >= from;
    if (!version) {
      if (reported)
        throw new RangeError(
          `no rate card version is in force on ${day}: the card starts on ${rateCard.versions[0]?.effectiveFrom ?? '(no versions)'}`,
        );
      continue;
    }
    if (reported) versionsUsed.add(version.effectiveFrom);
    const kind = version.model === 'conversation' ? 'conversation' : 'message';
    const pricingModel: ReportPricingModel = version.model === 'conversation' ? 'CBP' : 'PMP';
    const month = day.slice(0, 7);
    const dayCells = (byDay.get(day) ?? [])
      .filter((cell) => cell.kind === kind)
      .sort(
        (a, b) =>
          compareText(a.phoneNumberId, b.phoneNumberId) ||
          compareText(a.country, b.country) ||
          compareText(a.category, b.category) ||
          compareText(a.pricingType, b.pricingType),
      );

    for (const cell of dayCells) {
      if (cell.units < 0)
        warnings.push(
          `${cell.day} ${cell.kind} ${cell.phoneNumberId} ${cell.country} ${cell.category} ${cell.pricingType}: ` +
            `${cell.units} units after summing the shards, counted as 0`,
        );
      if (cell.units <= 0) continue;
      const price = priceOf(version, cell);
      const tiers = price.known ? price.tiers : undefined;
      const tierKey = [month, price.market, price.category].join(SEP);
      const billedBefore = tierBilled.get(tierKey) ?? 0;

      const add = (tierIndex: number, billable: number, freeUnits: number, unpriced: boolean) => {
        if (!reported) return;
        const key = [day, cell.phoneNumberId, cell.country, price.category, tierIndex].join(SEP);
        let held = rows.get(key);
        if (!held) {
          const tier = tiers?.[tierIndex];
          held = {
            tierIndex,
            row: {
              day,
              phoneNumberId: cell.phoneNumberId,
              country: cell.country,
              market: price.market,
              category: price.category,
              pricingModel,
              billableUnits: 0,
              freeUnits: 0,
              rate: tier?.rate ?? price.rate ?? '0',
              ...(tiers ? { tier: tierLabel(tiers, tierIndex) } : {}),
            },
          };
          rows.set(key, held);
        }
        held.row.billableUnits += billable;
        held.row.freeUnits += freeUnits;
        if (unpriced) {
          held.row.unpriced = true;
          held.row.rate = '0';
        }
      };

      let units = cell.units;
      const firstTier = tiers ? tierAt(tiers, billedBefore) : -1;
      if (price.free) {
        add(firstTier, 0, units, false);
        continue;
      }
      if (!price.known) {
        add(-1, units, 0, true);
        continue;
      }
      const allowance = version.free.monthlyAllowance;
      if (allowance && allowance.categories.includes(price.category)) {
        const allowanceKey = month + SEP + cell.phoneNumberId;
        const used = allowanceUsed.get(allowanceKey) ?? 0;
        const take = Math.min(allowance.units - used, units);
        if (take > 0) {
          allowanceUsed.set(allowanceKey, used + take);
          add(firstTier, 0, take, false);
          units -= take;
        }
      }
      if (units === 0) continue;
      if (!tiers) {
        add(-1, units, 0, price.rate === null);
        continue;
      }
      let billed = billedBefore;
      while (units > 0) {
        const index = tierAt(tiers, billed);
        const upTo = tiers[index]?.upTo ?? null;
        const take = upTo === null ? units : Math.min(units, upTo - billed);
        add(index, take, 0, false);
        billed += take;
        units -= take;
      }
      tierBilled.set(tierKey, billed);
    }
  }

  // 3. Cost each row once, sort, total.
  let totalMicros = 0n;
  let unpricedUnits = 0;
  const out = [...rows.values()]
    .sort(
      (a, b) =>
        compareText(a.row.day, b.row.day) ||
        compareText(a.row.phoneNumberId, b.row.phoneNumberId) ||
        compareText(a.row.country, b.row.country) ||
        compareText(a.row.category, b.row.category) ||
        a.tierIndex - b.tierIndex,
    )
    .map(({ row }): CostRow => {
      const micros = costMicros(row.billableUnits, row.rate);
      totalMicros += micros;
      if (row.unpriced) unpricedUnits += row.billableUnits;
      const { tier, unpriced, ...fields } = row;
      return {
        ...fields,
        rate: Number(row.rate),
        cost: amountOf(micros),
        ...(tier !== undefined ? { tier } : {}),
        ...(unpriced ? { unpriced } : {}),
      };
    });

  return {
    from,
    to,
    currency,
    total: amountOf(totalMicros),
    rows: out,
    rateCardVersions: [...versionsUsed].sort(compareText),
    unpricedUnits,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
};
