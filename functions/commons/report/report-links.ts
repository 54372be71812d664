import { badRequest } from '#http/errors';
import { FileReportSink } from './file-report-sink';
import { monthStart, parseReportRange } from './report-range';
import { LATEST_REPORT_KEY, reportKeys, type ReportLinks } from './report-sink';
import { S3ReportSink } from './s3-report-sink';

/** How long a link to a stored report works: long enough to paste it into a chat and open it. */
export const REPORT_LINK_SECONDS = 900;

/**
 * The stored page a `GET /reports/cost?link=true` names: the latest daily page without a range, the
 * day's page for from = to, the month to date for from = the 1st of to's month. The scheduled job
 * stores nothing else, so any other range is refused with what to ask instead.
 */
export const storedReportKey = (from: string | undefined, to: string | undefined): string => {
  if (from === undefined && to === undefined) return LATEST_REPORT_KEY;
  const range = parseReportRange(from, to);
  if (range.from === range.to) return reportKeys(range.to, 'daily').html;
  if (range.from === monthStart(range.to)) return reportKeys(range.to, 'month-to-date').html;
  throw badRequest(
    'NO_STORED_REPORT_FOR_RANGE',
    `The daily job stores one day's page (from = to) and the month to date (from = ${monthStart(range.to)}, to = ${range.to}); ` +
      'leave out link=true to get any other range rendered now.',
  );
};

/**
 * Where the stored reports are read: the data folder of `npm start` (REPORT_FOLDER, linked through
 * the local server at REPORT_LINK_URL with this run's REPORT_LINK_SECRET), else the stack's bucket.
 */
export const reportLinks = (env: NodeJS.ProcessEnv = process.env): ReportLinks => {
  const folder = env.REPORT_FOLDER;
  if (!folder) {
    const bucket = env.REPORT_BUCKET;
    if (!bucket) throw new Error('REPORT_BUCKET is not set: the stack (or REPORT_FOLDER locally) must provide it');
    return new S3ReportSink(bucket);
  }
  const { REPORT_LINK_URL: baseUrl, REPORT_LINK_SECRET: secret } = env;
  if (!baseUrl || !secret)
    throw new Error('REPORT_FOLDER needs REPORT_LINK_URL and REPORT_LINK_SECRET (bin/local.ts sets them)');
  return new FileReportSink(folder, { baseUrl, secret });
};
