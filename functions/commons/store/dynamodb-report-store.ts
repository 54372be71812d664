import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { forEachWithConcurrency } from '#ingestion/concurrency';
import { DAY, utcDay } from '#domain/time';
import { AGGREGATE_SHARDS, aggregatePartition, isUnitKind } from './items/aggregate-cell';
import { readTemplateCells } from './dynamodb-template-cells';
import type { AggregateCell, ReportStore, TemplateCell } from './report-store';

/** UTC days from `from` to `to` inclusive. */
export const daysBetween = (from: string, to: string): string[] => {
  const days: string[] = [];
  const start = Date.parse(`${from}T00:00:00Z`) / 1000;
  const end = Date.parse(`${to}T00:00:00Z`) / 1000;
  for (let at = start; at <= end; at += DAY) days.push(utcDay(at));
  return days;
};

/**
 * Reads the aggregate partitions of each day (one Query per day and shard, side by side) and sums
 * each cell over its shards. The work grows with days × shards × distinct cells, not with traffic.
 */
export class DynamoDbReportStore implements ReportStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly concurrency = 16,
  ) {}

  async readCells(from: string, to: string): Promise<AggregateCell[]> {
    const partitions = daysBetween(from, to).flatMap((day) =>
      Array.from({ length: AGGREGATE_SHARDS }, (_, shard) => aggregatePartition(day, shard)),
    );
    const cells = new Map<string, AggregateCell>();
    const results = await forEachWithConcurrency(partitions, this.concurrency, async (pk) => {
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
        for (const item of page.Items ?? []) {
          if (!isUnitKind(item.kind)) continue;
          const key = `${String(item.day)}#${String(item.sk)}`;
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
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    });
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return [...cells.values()];
  }

  readTemplateCells(from: string, to: string): Promise<TemplateCell[]> {
    return readTemplateCells(this.client, this.tableName, from, to, this.concurrency);
  }
}
