/**
 * The scheduled cost report locally: the same job as on AWS (`writeDailyReports`, yesterday and the
 * month to date as JSON, CSV and HTML) into the data folder through the same sink interface, where
 * AWS writes to S3. Run at 01:00 UTC each day, as the stack's schedule does, and once at start (in the
 * background) when the table is kept in a data folder, so the folder soon has a page.
 */
import { DAY, utcDay } from '../../functions/commons/domain/time.ts';
import { FileReportSink } from '../../functions/commons/report/file-report-sink.ts';
import { reportKeys } from '../../functions/commons/report/report-sink.ts';

/** The stack's schedule: every day at 01:00 UTC. */
export const REPORT_HOUR_UTC = 1;

/** Epoch milliseconds of the next 01:00 UTC strictly after `nowMs`. */
export const nextReportAt = (nowMs: number): number => {
  const dayStart = Math.floor(nowMs / (DAY * 1000)) * DAY * 1000;
  const today = dayStart + REPORT_HOUR_UTC * 3_600_000;
  return today > nowMs ? today : today + DAY * 1000;
};

export interface LocalDailyReports {
  /** the HTML file of the daily report being written at start (yesterday's), when one is */
  firstFile?: string;
  /** settles once the report of the start is written (or failed, logged), or at once when none is */
  firstRun: Promise<void>;
  stop(): void;
}

export const startLocalDailyReports = async (options: {
  folder: string;
  tableName: string;
  log: (entry: Record<string, unknown>) => void;
  now?: () => number;
  /** also write one at start: only worth it when the table is kept (an in-memory one starts empty) */
  atStart: boolean;
}): Promise<LocalDailyReports> => {
  // Loaded once DYNAMODB_ENDPOINT is set, like the handlers.
  const { documentClient } = await import('../../functions/commons/clients/dynamodb.ts');
  const { DynamoDbReportStore } = await import('../../functions/commons/store/dynamodb-report-store.ts');
  const { activeRateCard } = await import('../../functions/commons/pricing/active-rate-card.ts');
  const { writeDailyReports } = await import('../../functions/commons/report/daily-reports.ts');
  const { parseDisplayNumbers } = await import('../../functions/commons/report/report-insights.ts');
  const now = options.now ?? Date.now;
  const sink = new FileReportSink(options.folder);
  const deps = {
    store: new DynamoDbReportStore(documentClient, options.tableName),
    rateCard: activeRateCard(),
    displayNumbers: parseDisplayNumbers(process.env.WHATSAPP_DISPLAY_NUMBERS),
    sink,
  };

  const run = async (): Promise<void> => {
    try {
      const written = await writeDailyReports(deps, Math.floor(now() / 1000));
      const file = sink.pathOf(reportKeys(written.day, 'daily').html);
      options.log({ message: 'daily cost report written', day: written.day, total: written.daily.total, file });
    } catch (error) {
      options.log({ level: 'ERROR', message: 'daily cost report failed', error: String(error) });
    }
  };

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    const at = now();
    timer = setTimeout(() => void run().then(schedule), nextReportAt(at) - at);
    timer.unref();
  };
  // In the background: a month to date takes a while on DynamoDB Local, and nothing waits for it.
  const firstFile = options.atStart
    ? sink.pathOf(reportKeys(utcDay(Math.floor(now() / 1000) - DAY), 'daily').html)
    : undefined;
  const firstRun = options.atStart ? run().then(() => schedule()) : Promise.resolve(schedule());
  return {
    ...(firstFile === undefined ? {} : { firstFile }),
    firstRun,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
};
