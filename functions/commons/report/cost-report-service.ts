import { computeCostReport, type CostCell, type CostReport, type Reconciliation } from '#pricing/cost-report';
import type { RateCard } from '#pricing/rate-card';
import { compareWithAnalytics } from '#pricing/compare-analytics';
import type { MetaPricingPoint } from '#graph/pricing-analytics';
import type { AggregateCell, ReportStore } from '#store/report-store';
import { monthStart, type ReportRange } from './report-range';
import { previousRange, topTemplates, withInsights } from './report-insights';

export interface CostReportDeps {
  store: ReportStore;
  rateCard: RateCard;
  /**
   * Meta's pricing_analytics for the same days, when an access token and the WABA are configured.
   * Undefined when it could not be read: the report goes out without the comparison.
   */
  metaAnalytics?: (range: ReportRange) => Promise<readonly MetaPricingPoint[] | undefined>;
  /** phoneNumberId → the number as people dial it (WHATSAPP_DISPLAY_NUMBERS), shown beside the id */
  displayNumbers?: Readonly<Record<string, string>>;
}

type Differences = NonNullable<Reconciliation['classificationDifferences']>;

/** `difference` cells hold `<Meta's>><ours>` in category and pricing type (see delivery.ts). */
const classificationDifferences = (cells: AggregateCell[], range: ReportRange): Differences => {
  const totals = new Map<string, Differences[number]>();
  for (const cell of cells) {
    if (cell.kind !== 'difference' || cell.day < range.from || cell.day > range.to || cell.units === 0) continue;
    const [metaCategory = '', category = ''] = cell.category.split('>');
    const [metaPricingType = '', pricingType = ''] = cell.pricingType.split('>');
    const key = [cell.country, category, pricingType, metaCategory, metaPricingType].join('#');
    const total = totals.get(key);
    if (total) total.units += cell.units;
    else
      totals.set(key, {
        country: cell.country,
        category,
        pricingType,
        metaCategory,
        metaPricingType,
        units: cell.units,
      });
  }
  return [...totals.values()]
    .filter((difference) => difference.units > 0)
    .sort((a, b) => b.units - a.units || a.country.localeCompare(b.country) || a.category.localeCompare(b.category));
};

/**
 * The cost report for a range of UTC days, from the daily aggregates alone, with the period of the
 * same length before it priced the same way (the trend beside each number). Cells from the first of
 * the previous period's month are read, in one read: monthly free allowances and volume tiers count
 * from there.
 */
export const buildCostReport = async (deps: CostReportDeps, range: ReportRange): Promise<CostReport> => {
  const previous = previousRange(range);
  const cells = await deps.store.readCells(monthStart(previous.from), range.to);
  const priced = cells.filter((cell): cell is CostCell & AggregateCell => cell.kind !== 'difference');
  const current = computeCostReport({ rateCard: deps.rateCard, cells: priced, from: range.from, to: range.to });
  let earlier: CostReport | undefined;
  try {
    earlier = computeCostReport({ rateCard: deps.rateCard, cells: priced, from: previous.from, to: previous.to });
  } catch {
    earlier = undefined; // traffic before the card's first version: withInsights says so
  }
  const report = withInsights(current, earlier, {
    rateCard: deps.rateCard,
    previous,
    ...(deps.displayNumbers ? { displayNumbers: deps.displayNumbers } : {}),
  });
  const templateCells = await deps.store.readTemplateCells?.(range.from, range.to);
  if (templateCells) {
    report.templates = topTemplates(templateCells, range, deps.rateCard);
    if (report.templates.length > 0)
      report.caveats?.push(
        "Template costs are at each market's list rate; volume tiers and monthly allowances are settled in the rows.",
      );
  }
  const differences = classificationDifferences(cells, range);
  if (differences.length > 0) {
    report.reconciliation = { ...report.reconciliation, classificationDifferences: differences };
  }
  const points = await deps.metaAnalytics?.(range);
  if (points) {
    // Compared across all the WABA's numbers: Meta names numbers by display number, our rows by id.
    const overall = points.map(({ phoneNumber: _number, ...point }) => point);
    report.reconciliation = { ...report.reconciliation, metaAnalytics: compareWithAnalytics(report, overall) };
  }
  return report;
};
