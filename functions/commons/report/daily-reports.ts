import { DAY, utcDay, type EpochSeconds } from '#domain/time';
import { buildCostReport, type CostReportDeps } from './cost-report-service';
import { monthStart } from './report-range';
import { LATEST_REPORT_KEY, type ReportSink } from './report-sink';
import { writeReportFiles } from './write-report-files';
import type { CostReport } from '#pricing/cost-report';

export interface DailyReports {
  /** the day reported on: the UTC day before `now` */
  day: string;
  daily: CostReport;
  monthToDate: CostReport;
  /** the keys written: JSON, CSV and HTML of each (the daily page also at LATEST_REPORT_KEY) */
  files: string[];
}

/**
 * What the scheduled job does every morning, wherever it runs: yesterday's report and the month to
 * date, written as JSON, CSV and HTML under reports/YYYY/MM/DD/ of the sink (S3 on AWS, the data
 * folder for `npm start`), and the daily page once more at the fixed LATEST_REPORT_KEY. `now` decides "yesterday", so a re-run for a missed day is a call with
 * that day's time.
 */
export const writeDailyReports = async (
  deps: CostReportDeps & { sink: ReportSink },
  now: EpochSeconds,
): Promise<DailyReports> => {
  const day = utcDay(now - DAY);
  const generatedAt = new Date(now * 1000).toISOString();
  const daily = await buildCostReport(deps, { from: day, to: day });
  const monthToDate = await buildCostReport(deps, { from: monthStart(day), to: day });
  const files = [
    ...(await writeReportFiles(deps.sink, daily, { day, name: 'daily', generatedAt, alsoHtmlAt: LATEST_REPORT_KEY })),
    ...(await writeReportFiles(deps.sink, monthToDate, { day, name: 'month-to-date', generatedAt })),
  ];
  return { day, daily, monthToDate, files };
};
