import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { createTableInput } from '#store/table-schema';
import { shippedRateCard } from '#pricing/rate-card';
import { buildCostReport } from '#report/cost-report-service';
import { DynamoDbReportStore } from '#store/dynamodb-report-store';
import { daysBetween } from '#domain/time';
import type { AggregateCell } from '#store/report-store';
import type { TableKey } from '#store/table-schema';
import { keys, shardOf, type UnitKind } from '#store/keys';
import { withTimeout } from './env.ts';

/**
 * ┌──────────────────────────────────────────────────────────────────────────────────────────────┐
 * │ HOOK: the cost report for a month of 1,000 and of 1,000,000 conversations, as a ratio.          │
 * │ `measureCostReport(endpoint, tableName)` is called by run.ts with the bench's DynamoDB Local;   │
 * │ it uses the report store (functions/commons/store/dynamodb-report-store.ts) and the report      │
 * │ service exactly as GET /reports/cost and the daily Lambda do. Budget (design.md): ≤ 1.5.        │
 * └──────────────────────────────────────────────────────────────────────────────────────────────┘
 *
 * The report reads the daily aggregates, never messages. A month is written as the ingestion path
 * leaves it: one cell per (day, shard, kind, number, country, category, model, type), the shard
 * being the FNV spread of the message id, for a fixed business mix (countries, categories, 1–3
 * messages per conversation). Seeding goes straight to the aggregate items: a million
 * conversations through the webhook would take hours on DynamoDB Local.
 */
export interface CostReportMonth {
  month: string;
  conversations: number;
  messages: number;
  /** aggregate items the month holds */
  cells: number;
  /** median time of the whole report (store reads and pricing), ms */
  reportMs: number;
  samplesMs: number[];
  /** the median report before its days were folded */
  unfoldedReportMs: number;
  /** units the report priced: must equal the messages seeded (per-message pricing) */
  reportedUnits: number;
  seedMs: number;
}

export interface CostReportResult {
  small: CostReportMonth;
  large: CostReportMonth;
  /** large / small: the budget is ≤ 1.5 */
  ratio: number;
  /** the ratio sample by sample (the two reports run one after the other each time) */
  spread: { min: number; max: number };
  /** the same before the days were folded: a month as ingestion leaves it */
  unfolded: { ratio: number; spread: { min: number; max: number } };
  /** folding both months' 60 days, ms */
  foldMs: number;
}

const PHONE_NUMBER_ID = '109990000000009';
/** Where the business's users are, weighted. */
const COUNTRIES: Array<[string, number]> = [
  ['BR', 20],
  ['IN', 20],
  ['US', 12],
  ['MX', 10],
  ['ID', 8],
  ['DE', 6],
  ['GB', 5],
  ['CO', 5],
  ['AR', 4],
  ['ES', 4],
  ['IT', 3],
  ['NG', 3],
];
/** What opens the conversations: category, pricing type of its messages, weight. */
const CATEGORIES: Array<[string, string, number]> = [
  ['marketing', 'regular', 45],
  ['utility', 'regular', 15],
  ['utility', 'free_customer_service', 15],
  ['authentication', 'regular', 10],
  ['service', 'free_customer_service', 15],
];

const pick = <T extends [...unknown[], number]>(table: T[], roll: number): T => {
  const total = table.reduce((sum, entry) => sum + (entry[entry.length - 1] as number), 0);
  let left = roll * total;
  for (const entry of table) {
    left -= entry[entry.length - 1] as number;
    if (left < 0) return entry;
  }
  return table[table.length - 1] as T;
};

/** A small deterministic generator (mulberry32): the same month every run. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

type Cell = TableKey & AggregateCell;

const monthCells = (month: string, conversations: number): { cells: Map<string, Cell>; messages: number } => {
  const days = daysBetween(`${month}-01`, `${month}-30`);
  const next = random(conversations);
  const cells = new Map<string, Cell>();
  let messages = 0;
  const count = (kind: UnitKind, messageId: string, unit: Omit<Cell, 'pk' | 'sk' | 'kind' | 'units'>) => {
    const key = keys.aggregate(kind, unit, shardOf(messageId));
    const id = `${key.pk}|${key.sk}`;
    const cell = cells.get(id);
    if (cell) cell.units += 1;
    else cells.set(id, { ...key, kind, ...unit, units: 1 } as Cell);
  };
  for (let i = 0; i < conversations; i++) {
    const day = days[Math.floor(next() * days.length)] as string;
    const [country] = pick(COUNTRIES, next());
    const [category, pricingType] = pick(CATEGORIES, next());
    const base = { day, phoneNumberId: PHONE_NUMBER_ID, country, category, pricingModel: 'PMP' };
    const opener = `wamid.bench.${month}.${i}.0`;
    count('conversation', opener, { ...base, pricingType: 'regular' });
    const inConversation = 1 + Math.floor(next() * 3);
    for (let j = 0; j < inConversation; j++) {
      count('message', j === 0 ? opener : `wamid.bench.${month}.${i}.${j}`, { ...base, pricingType });
      messages++;
    }
  }
  return { cells, messages };
};

const seed = async (client: DynamoDBDocumentClient, tableName: string, cells: Iterable<Cell>): Promise<void> => {
  const all = [...cells];
  const chunks: Cell[][] = [];
  for (let i = 0; i < all.length; i += 25) chunks.push(all.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      let request: BatchWriteCommandInput['RequestItems'] = {
        [tableName]: (chunks[next++] as Cell[]).map((Item) => ({ PutRequest: { Item } })),
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > 10) throw new Error('DynamoDB Local kept items unprocessed');
        const answer: BatchWriteCommandOutput = await client.send(new BatchWriteCommand({ RequestItems: request }));
        request = answer.UnprocessedItems;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
};

/**
 * The report's own table: the session table's keys, without its stream and history index. The
 * report reads only the aggregates' partitions, so neither changes what is measured; without
 * them DynamoDB Local writes the 52,000 cells of the big month in a fraction of the time.
 */
const createReportTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  const exists = await client
    .send(new DescribeTableCommand({ TableName: tableName }))
    .then(() => true)
    .catch(() => false);
  if (exists) return;
  const { StreamSpecification: _stream, GlobalSecondaryIndexes: _index, ...input } = createTableInput(tableName);
  await client.send(
    new CreateTableCommand({
      ...input,
      AttributeDefinitions: input.AttributeDefinitions?.filter((attribute) =>
        ['pk', 'sk'].includes(attribute.AttributeName ?? ''),
      ),
    }),
  );
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export const measureCostReport = async (
  endpoint: string,
  tableName: string,
  sizes: { small: number; large: number } = { small: 1_000, large: 1_000_000 },
  samples = 5,
): Promise<CostReportResult> => {
  const base = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createReportTable(base, tableName);
  const client = DynamoDBDocumentClient.from(base);
  try {
    // Two months of 30 days in the same table; each report reads only its own month.
    const months = [
      { month: '2026-04', conversations: sizes.small },
      { month: '2026-06', conversations: sizes.large },
    ];
    const seeded = [];
    for (const { month, conversations } of months) {
      const started = performance.now();
      const { cells, messages } = monthCells(month, conversations);
      await withTimeout(seed(client, tableName, cells.values()), 300_000, `seeding ${month}`);
      seeded.push({ month, conversations, messages, cells: cells.size, seedMs: performance.now() - started });
    }
    const store = new DynamoDbReportStore(client, tableName);
    const rateCard = shippedRateCard();
    /** Alternating reports of the two months; the median of each and the per-run ratios. */
    const measure = async () => {
      const timings = new Map<string, number[]>(months.map(({ month }) => [month, []]));
      const units = new Map<string, number>();
      // One unmeasured report each first (JIT, connections), then alternating measured runs.
      for (let run = -1; run < samples; run++) {
        for (const { month } of months) {
          const started = performance.now();
          const report = await withTimeout(
            buildCostReport({ store, rateCard }, { from: `${month}-01`, to: `${month}-30` }),
            120_000,
            `the cost report of ${month}`,
          );
          const ms = performance.now() - started;
          if (run >= 0) timings.get(month)?.push(Math.round(ms * 10) / 10);
          units.set(
            month,
            report.rows.reduce((sum, row) => sum + row.billableUnits + row.freeUnits, 0),
          );
        }
      }
      const [smallMs, largeMs] = months.map(({ month }) => timings.get(month) ?? []) as [number[], number[]];
      const ratios = smallMs.map((ms, i) => (largeMs[i] as number) / ms);
      const round2 = (value: number) => Math.round(value * 100) / 100;
      return {
        smallMs,
        largeMs,
        units,
        ratio: round2(median(largeMs) / median(smallMs)),
        spread: { min: round2(Math.min(...ratios)), max: round2(Math.max(...ratios)) },
      };
    };
    // As ingestion leaves a month: every day in its shards.
    const unfolded = await measure();
    // As the daily report leaves a finished month: every day folded once final.
    const foldStarted = performance.now();
    for (const { month } of months) {
      for (const day of daysBetween(`${month}-01`, `${month}-30`)) await store.foldDay(day);
    }
    const foldMs = Math.round(performance.now() - foldStarted);
    const folded = await measure();
    const [small, large] = seeded.map((entry, i) => {
      const samplesMs = i === 0 ? folded.smallMs : folded.largeMs;
      return {
        ...entry,
        seedMs: Math.round(entry.seedMs),
        reportMs: median(samplesMs),
        samplesMs,
        unfoldedReportMs: median(i === 0 ? unfolded.smallMs : unfolded.largeMs),
        reportedUnits: folded.units.get(entry.month) ?? 0,
      };
    }) as [CostReportMonth, CostReportMonth];
    return {
      small,
      large,
      ratio: folded.ratio,
      spread: folded.spread,
      unfolded: { ratio: unfolded.ratio, spread: unfolded.spread },
      foldMs,
    };
  } finally {
    base.destroy();
  }
};
