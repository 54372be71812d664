import type { CostReport, NumberTrend, TemplateCost } from '#pricing/cost-report';
import { amountOf, costMicros } from '#pricing/money';
import { priceOf, versionOn, type RateCard } from '#pricing/rate-card';
import type { TemplateCell } from '#store/report-store';
import type { ReportRange } from './report-range';

/**
 * What the cost report says beyond its rows, from two priced reports alone (this period and the one
 * of the same length before it), so it still reads aggregates only: per business number its cost
 * beside the previous period's, day by day; and the caveats that belong beside the total.
 */

const DAY_MS = 86_400_000;
const dayAt = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const dayMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** Every UTC day from `from` to `to`. */
export const daysOf = (range: ReportRange): string[] => {
  const days: string[] = [];
  for (let t = dayMs(range.from); t <= dayMs(range.to); t += DAY_MS) days.push(dayAt(t));
  return days;
};

/** The period of the same length that ends the day before `from`. */
export const previousRange = (range: ReportRange): ReportRange => {
  const length = (dayMs(range.to) - dayMs(range.from)) / DAY_MS + 1;
  return { from: dayAt(dayMs(range.from) - length * DAY_MS), to: dayAt(dayMs(range.from) - DAY_MS) };
};

/** `<phoneNumberId>=<display number>` pairs, comma-separated (WHATSAPP_DISPLAY_NUMBERS); malformed pairs are skipped. */
export const parseDisplayNumbers = (text: string | undefined): Record<string, string> => {
  const numbers: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const match = /^\s*(\d{1,20})\s*=\s*(\+?[\d ()-]{4,24}?)\s*$/.exec(pair);
    if (match?.[1] && match[2]) numbers[match[1]] = match[2];
  }
  return numbers;
};

const micros = (amount: number): number => Math.round(amount * 1e6);
const amount = (value: number): number => value / 1e6;

interface Tally {
  total: number;
  billableUnits: number;
  freeUnits: number;
  unpricedUnits: number;
  byDay: Map<string, number>;
}

const tallyByNumber = (report: CostReport): Map<string, Tally> => {
  const tallies = new Map<string, Tally>();
  for (const row of report.rows) {
    let tally = tallies.get(row.phoneNumberId);
    if (!tally) {
      tally = { total: 0, billableUnits: 0, freeUnits: 0, unpricedUnits: 0, byDay: new Map() };
      tallies.set(row.phoneNumberId, tally);
    }
    const cost = micros(row.cost);
    tally.total += cost;
    tally.billableUnits += row.billableUnits;
    tally.freeUnits += row.freeUnits;
    if (row.unpriced) tally.unpricedUnits += row.billableUnits;
    tally.byDay.set(row.day, (tally.byDay.get(row.day) ?? 0) + cost);
  }
  return tallies;
};

/** Per business number with traffic in either period, by cost (highest first), then by id. */
export const numberTrends = (
  current: CostReport,
  previous: CostReport,
  displayNumbers: Readonly<Record<string, string>> = {},
): NumberTrend[] => {
  const now = tallyByNumber(current);
  const before = tallyByNumber(previous);
  const days = daysOf(current);
  const previousDays = daysOf(previous);
  const empty: Tally = { total: 0, billableUnits: 0, freeUnits: 0, unpricedUnits: 0, byDay: new Map() };
  return [...new Set([...now.keys(), ...before.keys()])]
    .map((phoneNumberId): NumberTrend => {
      const tally = now.get(phoneNumberId) ?? empty;
      const earlier = before.get(phoneNumberId) ?? empty;
      const displayNumber = displayNumbers[phoneNumberId];
      return {
        phoneNumberId,
        ...(displayNumber === undefined ? {} : { displayNumber }),
        total: amount(tally.total),
        previousTotal: amount(earlier.total),
        billableUnits: tally.billableUnits,
        freeUnits: tally.freeUnits,
        unpricedUnits: tally.unpricedUnits,
        days: days.map((day, i) => {
          const previousDay = previousDays[i] ?? '';
          return {
            day,
            cost: amount(tally.byDay.get(day) ?? 0),
            previousDay,
            previousCost: amount(earlier.byDay.get(previousDay) ?? 0),
          };
        }),
      };
    })
    .sort((a, b) => b.total - a.total || (a.phoneNumberId < b.phoneNumberId ? -1 : 1));
};

/** The first sentence of a rate card version's note: the shipped card's says its figures are unverified. */
const firstSentence = (note: string): string => {
  const end = note.search(/\.(\s|$)/);
  return end === -1 ? note : note.slice(0, end + 1);
};

/** What a reader must know beside the total, in the order they matter. */
export const reportCaveats = (report: CostReport, rateCard: RateCard): string[] => {
  const versions = report.rateCardVersions;
  const caveats = [
    `Estimates: each day is priced with the rate card version in force on it (${
      versions.length > 0 ? versions.join(', ') : 'none'
    }), from our own daily aggregates; Meta's invoice is what you pay.`,
  ];
  if (report.unpricedUnits > 0) {
    const where = new Map<string, number>();
    for (const row of report.rows) {
      const cell = `${row.category} ${row.country}`;
      if (row.unpriced) where.set(cell, (where.get(cell) ?? 0) + row.billableUnits);
    }
    caveats.push(
      `${report.unpricedUnits} unit${report.unpricedUnits === 1 ? '' : 's'} counted at 0: the rate card has no rate for ` +
        `${[...where].map(([cell, units]) => `${cell} (${units})`).join(', ')}. The total is low by their cost.`,
    );
  }
  for (const effectiveFrom of versions) {
    const version = versionOn(rateCard, effectiveFrom);
    if (!version || version.effectiveFrom !== effectiveFrom) continue;
    const note = version.note ? `: ${firstSentence(version.note)}` : '.';
    caveats.push(`Rate card ${effectiveFrom} (its figures dated ${version.sourceDate})${note}`);
    if (version.free.monthlyAllowance)
      caveats.push(
        `Rate card ${effectiveFrom}: the monthly free allowance is counted per business number; Meta counts it per WABA.`,
      );
    if (Object.keys(version.tiers).length > 0)
      caveats.push(
        `Rate card ${effectiveFrom}: volume tiers are counted per UTC calendar month; Meta resets them in the WABA's time zone.`,
      );
  }
  const warnings = report.warnings?.length ?? 0;
  if (warnings > 0)
    caveats.push(
      `${warnings} aggregate cell${warnings === 1 ? '' : 's'} summed below zero, counted as 0 (see warnings).`,
    );
  return caveats;
};

/**
 * The report with its previous period, per-number trends and caveats beside it. Without a previous
 * report (it could not be priced: traffic before the card's first version) the trend compares with
 * nothing and a caveat says so.
 */
export const withInsights = (
  current: CostReport,
  previous: CostReport | undefined,
  options: { rateCard: RateCard; previous: ReportRange; displayNumbers?: Readonly<Record<string, string>> },
): CostReport => {
  const caveats = reportCaveats(current, options.rateCard);
  if (!previous)
    caveats.push(
      `The previous period (${options.previous.from} to ${options.previous.to}) has traffic before the rate card's ` +
        'first version, so it is not priced and the trend compares with 0.',
    );
  const before: CostReport = previous ?? { ...current, ...options.previous, rows: [], total: 0, unpricedUnits: 0 };
  return {
    ...current,
    ...(previous
      ? {
          previousPeriod: {
            from: previous.from,
            to: previous.to,
            total: previous.total,
            unpricedUnits: previous.unpricedUnits,
          },
        }
      : {}),
    numbers: numberTrends(current, before, options.displayNumbers),
    caveats,
  };
};

/** How many templates the report lists. */
export const TOP_TEMPLATES = 10;

/**
 * The templates that cost most in the range, from the template aggregates: each cell priced at its
 * market's list rate under the version in force that day (free and unpriced as the rows are; volume
 * tiers and monthly allowances are settled in the rows only). Conversation-priced days bill
 * conversations, not messages, so their template units count at no cost.
 */
export const topTemplates = (
  cells: readonly TemplateCell[],
  range: ReportRange,
  rateCard: RateCard,
  limit = TOP_TEMPLATES,
): TemplateCost[] => {
  const totals = new Map<string, TemplateCost & { micros: bigint }>();
  for (const cell of cells) {
    if (cell.day < range.from || cell.day > range.to || cell.units <= 0) continue;
    const version = versionOn(rateCard, cell.day);
    if (!version) continue;
    const price = priceOf(version, cell);
    const key = `${cell.template}\u0000${price.category}`;
    let total = totals.get(key);
    if (!total) {
      total = {
        template: cell.template,
        category: price.category,
        units: 0,
        billableUnits: 0,
        cost: 0,
        unpricedUnits: 0,
        micros: 0n,
      };
      totals.set(key, total);
    }
    total.units += cell.units;
    if (version.model !== 'per-message' || price.free) continue;
    total.billableUnits += cell.units;
    if (!price.known || price.rate === null) total.unpricedUnits += cell.units;
    else total.micros += costMicros(cell.units, price.rate);
  }
  return [...totals.values()]
    .map(({ micros: value, ...total }) => ({ ...total, cost: amountOf(value) }))
    .sort((a, b) => b.cost - a.cost || b.units - a.units || (a.template < b.template ? -1 : 1))
    .slice(0, limit);
};
