import type { TableKey } from '../table-schema';
import type { BillingUnit } from '#domain/delivery';
import type { TemplateCell } from '../report-store';
import { billingUnitOf, shardOfDay, sumCells } from './aggregate-cell';
import { anyOf, declare } from './declaration';

/**
 * One cell of the daily template aggregates, in one shard: the delivered messages of one template in
 * the billing cell of their message unit. Counted with the message unit, in the same transaction and
 * moved with it, so the report's top templates read aggregates only. In partitions of their own, so
 * the billing aggregates (aggregate-cell.ts) and every reader of them stay as they are.
 */
export type TemplateCellItem = TableKey &
  BillingUnit & {
    template: string;
    units: number;
  };

const PREFIX = 'TPL#';

export const templatePartition = (day: string, shard: number): string => `${PREFIX}${shardOfDay(day, shard)}`;

export const templateCellItem = declare({
  kind: 'template-cell',
  pk: { prefix: PREFIX, of: (unit: BillingUnit, _template: string, shard: number) => shardOfDay(unit.day, shard) },
  sk: anyOf((unit: BillingUnit, template: string) =>
    [unit.phoneNumberId, unit.country, unit.category, unit.pricingModel, unit.pricingType, template].join('#'),
  ),
  accessPatterns: [
    /** UpdateItem ADD units ±1 beside the message unit's, in the same transaction */
    'count',
    /** Query per day and shard (the cost report's top templates) */
    'readDay',
  ],
});

/** A template cell item as stored, or undefined for anything else in its partition. */
export const toTemplateCell = (item: Record<string, unknown>): TemplateCell | undefined =>
  typeof item.template === 'string' && typeof item.day === 'string'
    ? { ...billingUnitOf(item), template: item.template, units: Number(item.units ?? 0) }
    : undefined;

/** The template cells of these items, summed over their shards. */
export const sumTemplateCells = (items: Iterable<Record<string, unknown>>): TemplateCell[] =>
  sumCells(items, toTemplateCell);
