import type { BillingUnit, UnitChange } from '#domain/delivery';

/** One cell of the daily aggregates, summed over its shards. */
export type AggregateCell = BillingUnit & { kind: UnitChange['kind']; units: number };

/** One cell of the template aggregates, summed over its shards: a template's delivered messages in one billing cell. */
export type TemplateCell = BillingUnit & { template: string; units: number };

/** What the cost report reads: aggregates only, never messages, so its cost does not grow with traffic. */
export interface ReportStore {
  /** every cell of the UTC days from `from` to `to` inclusive (YYYY-MM-DD) */
  readCells(from: string, to: string): Promise<AggregateCell[]>;
  /** every template cell of those days; a store without template aggregates leaves it out */
  readTemplateCells?(from: string, to: string): Promise<TemplateCell[]>;
  /**
   * Folds a finished day's shards into one read (the DynamoDB adapter); only for a day older than
   * the message retention, which no event can change any more.
   */
  foldDay?(day: string): Promise<{ cells: number; parts: number }>;
}
