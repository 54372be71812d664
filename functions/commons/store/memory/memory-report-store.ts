import { daysBetween } from '#domain/time';
import { aggregatePartition, shardPartitions, sumAggregateCells } from '../items/aggregate-cell';
import { sumTemplateCells, templatePartition } from '../items/template-cell';
import type { AggregateCell, ReportStore, TemplateCell } from '../report-store';
import type { MemoryTable } from './memory-table';

/** ReportStore in memory: the same cells, summed over their shards as the DynamoDB adapter sums them. */
export class MemoryReportStore implements ReportStore {
  constructor(private readonly table: MemoryTable) {}

  private itemsOf(from: string, to: string, partitionOf: (day: string, shard: number) => string) {
    return daysBetween(from, to).flatMap((day) =>
      shardPartitions(day, partitionOf).flatMap((pk) => this.table.query(pk)),
    );
  }

  async readCells(from: string, to: string): Promise<AggregateCell[]> {
    return sumAggregateCells(this.itemsOf(from, to, aggregatePartition));
  }

  async readTemplateCells(from: string, to: string): Promise<TemplateCell[]> {
    return sumTemplateCells(this.itemsOf(from, to, templatePartition));
  }
}
