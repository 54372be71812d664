import { gunzipSync, gzipSync } from 'node:zlib';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { forEachWithConcurrency } from '#ingestion/concurrency';
import { DAY, utcDay } from '#domain/time';
import { AGGREGATE_SHARDS, aggregatePartition, isUnitKind } from './items/aggregate-cell';
import { readTemplateCells } from './dynamodb-template-cells';
import { aggregateDayItem, aggregateDayPartition } from './items/aggregate-day';
import type { AggregateCell, ReportStore, TemplateCell } from './report-store';

/** UTC days from `from` to `to` inclusive. */
export const daysBetween = (from: string, to: string): string[] => {
  const days: string[] = [];
  const start = Date.parse(`${from}T00:00:00Z`) / 1000;
  const end = Date.parse(`${to}T00:00:00Z`) / 1000;
  for (let at = start; at <= end; at += DAY) days.push(utcDay(at));
  return days;
};

/** Cells per folded part: about 100 bytes each compressed to a fraction, far under the 400 KB item limit. */
const CELLS_PER_PART = 5_000;

type Item = Record<string, unknown>;

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

  private async queryAll(pk: string): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** The day's cells from its fold, or undefined when it is not (completely) folded. */
  private async foldedDay(day: string): Promise<AggregateCell[] | undefined> {
    const parts = await this.queryAll(aggregateDayPartition(day));
    const expected = Number(parts[0]?.parts ?? 0);
    if (parts.length === 0 || parts.length !== expected) return undefined;
    return parts.flatMap(
      (part) => JSON.parse(gunzipSync(part.payload as Uint8Array).toString('utf8')) as AggregateCell[],
    );
  }

  /** The day's cells from its shards, summed. */
  private async shardedDay(day: string, concurrency = this.concurrency): Promise<AggregateCell[]> {
    const cells = new Map<string, AggregateCell>();
    const shards = Array.from({ length: AGGREGATE_SHARDS }, (_, shard) => aggregatePartition(day, shard));
    const results = await forEachWithConcurrency(shards, concurrency, async (pk) => {
      for (const item of await this.queryAll(pk)) {
        if (!isUnitKind(item.kind)) continue;
        const key = String(item.sk);
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
    });
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return [...cells.values()];
  }

  readTemplateCells(from: string, to: string): Promise<TemplateCell[]> {
    return readTemplateCells(this.client, this.tableName, from, to, this.concurrency);
  }

  async readCells(from: string, to: string): Promise<AggregateCell[]> {
    const cells: AggregateCell[] = [];
    const days = daysBetween(from, to);
    // A few days side by side, each unfolded one reading its shards side by side: `concurrency` in all.
    const dayConcurrency = Math.min(4, days.length);
    const shardConcurrency = Math.max(1, Math.floor(this.concurrency / dayConcurrency));
    const results = await forEachWithConcurrency(days, dayConcurrency, async (day) => {
      cells.push(...((await this.foldedDay(day)) ?? (await this.shardedDay(day, shardConcurrency))));
    });
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
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
