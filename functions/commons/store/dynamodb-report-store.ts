import { gunzipSync, gzipSync } from 'node:zlib';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { daysBetween } from '#domain/time';
import { aggregatePartition, shardPartitions, sumAggregateCells } from './items/aggregate-cell';
import { aggregateDayItem, aggregateDayPartition } from './items/aggregate-day';
import { sumTemplateCells, templatePartition } from './items/template-cell';
import { forEachOrThrow, queryPartition, queryPartitions } from './query-partition';
import type { AggregateCell, ReportStore, TemplateCell } from './report-store';

/** Cells per folded part: about 100 bytes each compressed to a fraction, far under the 400 KB item limit. */
const CELLS_PER_PART = 5_000;

/**
 * Reads the daily aggregates: a folded day (aggregate-day) with one Query; any other day with one
 * Query per shard, side by side, summing each cell over its shards. Unfolded, the work grows with
 * days × shards × distinct cells; folded, with days only.
 */
export class DynamoDbReportStore implements ReportStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly concurrency = 16,
  ) {}

  /** The day's cells from its fold, or undefined when it is not (completely) folded. */
  private async foldedDay(day: string): Promise<AggregateCell[] | undefined> {
    const parts = await queryPartition(this.client, this.tableName, aggregateDayPartition(day));
    const expected = Number(parts[0]?.parts ?? 0);
    if (parts.length === 0 || parts.length !== expected) return undefined;
    return parts.flatMap(
      (part) => JSON.parse(gunzipSync(part.payload as Uint8Array).toString('utf8')) as AggregateCell[],
    );
  }

  /** The day's cells from its shards, summed. */
  private async shardedDay(day: string, concurrency = this.concurrency): Promise<AggregateCell[]> {
    const shards = shardPartitions(day, aggregatePartition);
    return sumAggregateCells(await queryPartitions(this.client, this.tableName, shards, concurrency));
  }

  /** The template aggregates of the days: one Query per day and shard, side by side, like the billing cells. */
  async readTemplateCells(from: string, to: string): Promise<TemplateCell[]> {
    const partitions = daysBetween(from, to).flatMap((day) => shardPartitions(day, templatePartition));
    return sumTemplateCells(await queryPartitions(this.client, this.tableName, partitions, this.concurrency));
  }

  async readCells(from: string, to: string): Promise<AggregateCell[]> {
    const cells: AggregateCell[] = [];
    const days = daysBetween(from, to);
    // A few days side by side, each unfolded one reading its shards side by side: `concurrency` in all.
    const dayConcurrency = Math.min(4, days.length);
    const shardConcurrency = Math.max(1, Math.floor(this.concurrency / dayConcurrency));
    await forEachOrThrow(days, dayConcurrency, async (day) => {
      cells.push(...((await this.foldedDay(day)) ?? (await this.shardedDay(day, shardConcurrency))));
    });
    return cells;
  }

  /**
   * Folds a day's shards into its aggregate-day parts. Only for a day no event can change any
   * more: the caller passes a day older than the message retention (a status older than that is
   * parked, never counted), so the fold cannot go stale. Folding again writes the same parts.
   */
  async foldDay(day: string): Promise<{ cells: number; parts: number }> {
    // Cells at 0 (a unit moved to Meta's classification) are kept: a folded day reads as its shards do.
    const cells = await this.shardedDay(day);
    const parts = Math.max(1, Math.ceil(cells.length / CELLS_PER_PART));
    for (let part = 0; part < parts; part++) {
      const slice = cells.slice(part * CELLS_PER_PART, (part + 1) * CELLS_PER_PART);
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...aggregateDayItem.key(day, part),
            day,
            part,
            parts,
            cells: slice.length,
            payload: gzipSync(JSON.stringify(slice)),
          },
        }),
      );
    }
    return { cells: cells.length, parts };
  }
}
