import type { TableKey } from '../table-schema';
import type { BillingUnit, UnitChange } from '#domain/delivery';
import type { AggregateCell } from '../report-store';
import { anyOf, declare, padded } from './declaration';

export type UnitKind = UnitChange['kind'];

/** One cell of the daily aggregates, in one shard: what the cost report reads instead of messages. */
export type AggregateCellItem = TableKey &
  BillingUnit & {
    kind: UnitKind;
    units: number;
  };

/** Daily aggregates are spread over this many partitions so a busy day has no hot key. */
export const AGGREGATE_SHARDS = 16;

/** FNV-1a: a stable, cheap spread of message ids over the aggregate shards. */
export const shardOf = (id: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % AGGREGATE_SHARDS;
};

const PREFIX = 'AGG#';
const KINDS: ReadonlySet<string> = new Set<UnitKind>(['message', 'conversation', 'difference']);

/** A day's shard in a partition key (template cells share the form). */
export const shardOfDay = (day: string, shard: number): string => `${day}#${padded(shard, 2)}`;

export const aggregatePartition = (day: string, shard: number): string => `${PREFIX}${shardOfDay(day, shard)}`;

export const aggregateCellItem = declare({
  kind: 'aggregate-cell',
  pk: { prefix: PREFIX, of: (_kind: UnitKind, unit: BillingUnit, shard: number) => shardOfDay(unit.day, shard) },
  sk: anyOf((kind: UnitKind, unit: BillingUnit) =>
    [kind, unit.phoneNumberId, unit.country, unit.category, unit.pricingModel, unit.pricingType].join('#'),
  ),
  matches: ({ pk, sk }) => pk.startsWith(PREFIX) && KINDS.has(sk.split('#')[0] ?? ''),
  accessPatterns: [
    /** UpdateItem ADD units ±1 in the transaction of the message's effects */
    'count',
    /** Query per day and shard (the cost report): grows with cells, never with traffic */
    'readDay',
  ],
});

export const isAggregateCellKey = aggregateCellItem.is;

export const isUnitKind = (kind: unknown): kind is UnitKind => typeof kind === 'string' && KINDS.has(kind);

/** The partitions of a day's shards: what a reader of the day's cells queries. */
export const shardPartitions = (day: string, partitionOf: (day: string, shard: number) => string): string[] =>
  Array.from({ length: AGGREGATE_SHARDS }, (_, shard) => partitionOf(day, shard));

/** The billing unit of a cell item as stored. */
export const billingUnitOf = (item: Record<string, unknown>): BillingUnit => ({
  day: String(item.day),
  phoneNumberId: String(item.phoneNumberId),
  country: String(item.country),
  category: String(item.category),
  pricingModel: String(item.pricingModel),
  pricingType: String(item.pricingType),
});

/**
 * Sums cell items over their shards, one cell per (day, sort key); `cellOf` maps an item as stored,
 * or undefined for anything else in the partition. The DynamoDB adapter and the fake both sum here.
 */
export const sumCells = <Cell extends { day: string; units: number }>(
  items: Iterable<Record<string, unknown>>,
  cellOf: (item: Record<string, unknown>) => Cell | undefined,
): Cell[] => {
  const cells = new Map<string, Cell>();
  for (const item of items) {
    const cell = cellOf(item);
    if (!cell) continue;
    const key = `${cell.day}#${String(item.sk)}`;
    const held = cells.get(key);
    if (held) held.units += cell.units;
    else cells.set(key, cell);
  }
  return [...cells.values()];
};

/** An aggregate cell item as stored, or undefined for anything else in its partition. */
export const toAggregateCell = (item: Record<string, unknown>): AggregateCell | undefined =>
  isUnitKind(item.kind) ? { ...billingUnitOf(item), kind: item.kind, units: Number(item.units ?? 0) } : undefined;

/** The day's cells of these items, summed over their shards. */
export const sumAggregateCells = (items: Iterable<Record<string, unknown>>): AggregateCell[] =>
  sumCells(items, toAggregateCell);
