import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { forEachWithConcurrency } from '#ingestion/concurrency';
import { AGGREGATE_SHARDS } from './items/aggregate-cell';
import { templatePartition } from './items/template-cell';
import type { TemplateCell } from './report-store';

/** UTC days from `from` to `to` inclusive. */
const daysOf = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
};

/** A template cell item as stored, or undefined for anything else in its partition. */
export const toTemplateCell = (item: Record<string, unknown>): TemplateCell | undefined => {
  if (typeof item.template !== 'string' || typeof item.day !== 'string') return undefined;
  return {
    day: item.day,
    phoneNumberId: String(item.phoneNumberId),
    country: String(item.country),
    category: String(item.category),
    pricingModel: String(item.pricingModel),
    pricingType: String(item.pricingType),
    template: item.template,
    units: Number(item.units ?? 0),
  };
};

/** Sums the cells of one (day, sk) over their shards. */
export const sumTemplateCells = (items: Iterable<Record<string, unknown>>): TemplateCell[] => {
  const cells = new Map<string, TemplateCell>();
  for (const item of items) {
    const cell = toTemplateCell(item);
    if (!cell) continue;
    const key = `${cell.day}#${String(item.sk)}`;
    const held = cells.get(key);
    if (held) held.units += cell.units;
    else cells.set(key, cell);
  }
  return [...cells.values()];
};

/** The template aggregates of the days: one Query per day and shard, side by side, like the billing cells. */
export const readTemplateCells = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  from: string,
  to: string,
  concurrency = 16,
): Promise<TemplateCell[]> => {
  const partitions = daysOf(from, to).flatMap((day) =>
    Array.from({ length: AGGREGATE_SHARDS }, (_, shard) => templatePartition(day, shard)),
  );
  const items: Array<Record<string, unknown>> = [];
  const results = await forEachWithConcurrency(partitions, concurrency, async (pk) => {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  });
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return sumTemplateCells(items);
};
