import { daysBetween } from '../dynamodb-report-store';
import { AGGREGATE_SHARDS, aggregatePartition, isUnitKind } from '../items/aggregate-cell';
import { sumTemplateCells } from '../dynamodb-template-cells';
import { templatePartition } from '../items/template-cell';
import type { AggregateCell, ReportStore, TemplateCell } from '../report-store';
import type { MemoryTable } from './memory-table';

/** ReportStore in memory: the same cells, summed over their shards. */
export class MemoryReportStore implements ReportStore {
  constructor(private readonly table: MemoryTable) {}

  async readCells(from: string, to: string): Promise<AggregateCell[]> {
    const cells = new Map<string, AggregateCell>();
    for (const day of daysBetween(from, to)) {
      for (let shard = 0; shard < AGGREGATE_SHARDS; shard++) {
        for (const item of this.table.query(aggregatePartition(day, shard))) {
          if (!isUnitKind(item.kind)) continue;
          const key = `${String(item.day)}#${item.sk}`;
          const cell = cells.get(key);
          if (cell) cell.units += Number(item.units ?? 0);
          else {
            cells.set(key, {
              day: String(item.day),
              kind: item.kind,
              phoneNumberId: String(item.phoneNumberId),
              country: String(item.country),
              category: String(item.category),
              pricingModel: String(item.pricingModel),
              pricingType: String(item.pricingType),
              units: Number(item.units ?? 0),
            });
          }
        }
      }
    }
    return [...cells.values()];
  }

  async readTemplateCells(from: string, to: string): Promise<TemplateCell[]> {
    const partitions = daysBetween(from, to).flatMap((day) =>
      Array.from({ length: AGGREGATE_SHARDS }, (_, shard) => templatePartition(day, shard)),
    );
    return sumTemplateCells(partitions.flatMap((pk) => this.table.query(pk)));
  }
}
