import { computeCostReport, type CostCell, type CostReport } from '#pricing/cost-report';
import { shippedRateCard, type RateCard } from '#pricing/rate-card';

/** The business number the report tests price by default. */
export const REPORT_PHONE_NUMBER_ID = '100000000000001';

/** A per-message unit of the default business number, delivered and priced regular. */
const MESSAGE_CELL: Omit<CostCell, 'day' | 'country' | 'category' | 'units'> = {
  kind: 'message',
  phoneNumberId: REPORT_PHONE_NUMBER_ID,
  pricingModel: 'PMP',
  pricingType: 'regular',
};

/** One aggregate cell as the report reads it: a delivered per-message unit unless `more` says otherwise. */
export const costCell = (day: string, country: string, category: string, units: number, more?: Partial<CostCell>) =>
  ({ ...MESSAGE_CELL, day, country, category, units, ...more }) satisfies CostCell;

/** The report over the given cells, priced by the shipped rate card unless another is given. */
export const pricedReport = (
  from: string,
  to: string,
  cells: CostCell[],
  rateCard: RateCard = shippedRateCard(),
): CostReport => computeCostReport({ rateCard, cells, from, to });

/** The same report with each row changed (a tier, a price the shipped card lacks), as another rate card would give it. */
export const withRows = (
  report: CostReport,
  change: (row: CostReport['rows'][number]) => CostReport['rows'][number],
) => ({
  ...report,
  rows: report.rows.map(change),
});
