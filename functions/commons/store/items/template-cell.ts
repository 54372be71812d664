import type { BillingUnit } from '#domain/delivery';
import type { TableKey } from '../table-schema';
import { declare } from './declaration';

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

export const templatePartition = (day: string, shard: number): string =>
  `${PREFIX}${day}#${String(shard).padStart(2, '0')}`;

export const templateCellItem = declare({
  kind: 'template-cell',
  key: (unit: BillingUnit, template: string, shard: number): TableKey => ({
    pk: templatePartition(unit.day, shard),
    sk: [unit.phoneNumberId, unit.country, unit.category, unit.pricingModel, unit.pricingType, template].join('#'),
  }),
  matches: ({ pk }) => pk.startsWith(PREFIX),
  accessPatterns: [
    /** UpdateItem ADD units ±1 beside the message unit's, in the same transaction */
    'count',
    /** Query per day and shard (the cost report's top templates) */
    'readDay',
  ],
});
