import { isDay } from '#pricing/rate-card';

/** Where the scheduled report writes its files: S3 on AWS, a folder locally and in tests. */
export interface ReportSink {
  put(key: string, body: string, contentType: string): Promise<void>;
}

/**
 * The newest daily page, beside the dated ones: the scheduled job overwrites it each run (a re-run
 * for a past day too), so an operator (a stack output, `GET /reports/cost?link=true`) has one fixed key.
 */
export const LATEST_REPORT_KEY = 'reports/latest/daily.html';

/** Reading a stored report: whether a key is there, and a short-lived GET URL that needs no credentials. */
export interface ReportLinks {
  exists(key: string): Promise<boolean>;
  readUrl(key: string, seconds: number): Promise<string>;
}

export interface ReportKeys {
  json: string;
  csv: string;
  html: string;
}

/** A report name: letters, digits, `.`, `_` and `-`, not starting with `.` (so never `..`), at most 100. */
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

/**
 * The keys of one report's three files: `reports/YYYY/MM/DD/<name>.json|.csv|.html`, where the date
 * is the report's own day (for the daily run: the day it reports on, so a rerun overwrites it).
 */
export const reportKeys = (day: string, name: string): ReportKeys => {
  if (!isDay(day)) throw new RangeError(`day must be a UTC day written YYYY-MM-DD, not ${JSON.stringify(day)}`);
  if (!NAME.test(name))
    throw new RangeError(
      `report name must be 1 to 100 letters, digits, '.', '_' or '-', not starting with '.': ${JSON.stringify(name)}`,
    );
  const base = `reports/${day.slice(0, 4)}/${day.slice(5, 7)}/${day.slice(8, 10)}/${name}`;
  return { json: `${base}.json`, csv: `${base}.csv`, html: `${base}.html` };
};
