import type { CostReport } from '#pricing/cost-report';
import { CSV_CONTENT_TYPE, costReportCsv } from './render-csv';
import { HTML_CONTENT_TYPE, costReportHtml } from './render-html';
import { reportKeys, type ReportSink } from './report-sink';

export const JSON_CONTENT_TYPE = 'application/json';

export interface WriteReportOptions {
  /** the report's day, YYYY-MM-DD: the files go under reports/YYYY/MM/DD/ */
  day: string;
  /** the files' base name, e.g. `daily` or `month-to-date` */
  name: string;
  /** shown on the HTML page */
  generatedAt: string;
  /** the HTML page's title; default: `WhatsApp cost report <from> to <to>` */
  title?: string;
  /** a fixed key the HTML page is also written to, after the dated one (LATEST_REPORT_KEY) */
  alsoHtmlAt?: string;
}

/**
 * Renders a report as JSON (pretty), CSV and HTML and writes the three files, one after another in
 * that order (the JSON is the record; a failure leaves the later ones unwritten and is thrown).
 * The page goes once more to `alsoHtmlAt` when given. Returns the keys written, in that order.
 */
/** The page's title where none is given: the days it covers. */
export const reportTitle = (report: Pick<CostReport, 'from' | 'to'>): string =>
  `WhatsApp cost report ${report.from === report.to ? report.from : `${report.from} to ${report.to}`}`;

export const writeReportFiles = async (
  sink: ReportSink,
  report: CostReport,
  options: WriteReportOptions,
): Promise<string[]> => {
  const keys = reportKeys(options.day, options.name);
  const title = options.title ?? reportTitle(report);
  const files: Array<[key: string, body: string, contentType: string]> = [
    [keys.json, `${JSON.stringify(report, null, 2)}\n`, JSON_CONTENT_TYPE],
    [keys.csv, costReportCsv(report), CSV_CONTENT_TYPE],
    [keys.html, costReportHtml(report, { title, generatedAt: options.generatedAt }), HTML_CONTENT_TYPE],
  ];
  const html = files[2] as (typeof files)[number];
  if (options.alsoHtmlAt) files.push([options.alsoHtmlAt, html[1], html[2]]);
  for (const [key, body, contentType] of files) await sink.put(key, body, contentType);
  return files.map(([key]) => key);
};
