import type { TableKey } from '../table-schema';
import { retentionSeconds } from '#domain/platform';
import { DAY, utcDay, type EpochSeconds } from '#domain/time';
import { declare, padded } from './declaration';

/**
 * A finished day's aggregates folded into one partition: every cell of the day summed over its
 * shards, as gzipped JSON in as few parts as the 400 KB item limit allows. The cost report reads
 * a folded day with one Query, however many cells and shards it had, so a month's report no
 * longer grows with the traffic that filled its cells. Written only once the day can no longer
 * change (see DynamoDbReportStore.foldDay), so the fold never goes stale.
 */
export type AggregateDayItem = TableKey & {
  day: string;
  part: number;
  /** parts of the fold: a reader uses the fold only when it finds all of them */
  parts: number;
  cells: number;
  /** gzip of the JSON array of this part's cells */
  payload: Uint8Array;
};

const PREFIX = 'AGGDAY#';

export const aggregateDayItem = declare({
  kind: 'aggregate-day',
  pk: { prefix: PREFIX, of: (day: string) => day },
  sk: { prefix: 'PART#', of: (_day: string, part: number) => padded(part, 3) },
  accessPatterns: [
    /** PutItem per part, by the daily cost report, for a day past the horizon of late statuses */
    'fold',
    /** Query of the day's partition (the cost report) */
    'readFoldedDay',
  ],
});

export const aggregateDayPartition = (day: string): string => `${PREFIX}${day}`;

/**
 * The day the daily report folds at `now`: the last day all of whose statuses are older than the
 * message retention plus a day's margin. A status that old is parked, never counted (#domain/retention),
 * so the day's cells are final.
 */
export const foldableDay = (now: EpochSeconds, retentionDays: number): string =>
  utcDay(now - retentionSeconds(retentionDays) - 2 * DAY);
