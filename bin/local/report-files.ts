import { readFile } from 'node:fs/promises';
import { checkLocalLink, FileReportSink, LOCAL_REPORT_PATH } from '../../functions/commons/report/file-report-sink.ts';
import { CSV_CONTENT_TYPE } from '../../functions/commons/report/render-csv.ts';
import { HTML_CONTENT_TYPE } from '../../functions/commons/report/render-html.ts';

export interface StoredReportAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: HTML_CONTENT_TYPE,
  csv: CSV_CONTENT_TYPE,
  json: 'application/json',
};

const refusal = (status: number, code: string, message: string): StoredReportAnswer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ error: { code, message } }),
});

/**
 * The local twin of S3 answering a presigned GET: a stored report file of the data folder, for a
 * link `GET /reports/cost?link=true` signed with this run's secret, until it expires.
 */
export const serveStoredReport = async (
  options: { root: string; secret: string },
  url: URL,
  now: number,
): Promise<StoredReportAnswer> => {
  const key = decodeURIComponent(url.pathname.slice(LOCAL_REPORT_PATH.length));
  const verdict = checkLocalLink(
    key,
    { expires: url.searchParams.get('expires'), signature: url.searchParams.get('signature') },
    options.secret,
    now,
  );
  if (verdict === 'invalid') {
    return refusal(
      403,
      'LINK_INVALID',
      'This link was not signed by this npm start: ask GET /reports/cost?link=true again.',
    );
  }
  if (verdict === 'expired')
    return refusal(403, 'LINK_EXPIRED', 'This link has expired: ask GET /reports/cost?link=true again.');
  // pathOf refuses a key that leaves the folder (it was signed, so only a changed secret gets here)
  const body = await Promise.resolve()
    .then(() => readFile(new FileReportSink(options.root).pathOf(key)))
    .catch(() => undefined);
  if (!body) return refusal(404, 'REPORT_NOT_STORED', `No stored file at ${key}.`);
  return {
    status: 200,
    headers: {
      'content-type': CONTENT_TYPES[key.split('.').pop() ?? ''] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    },
    body,
  };
};
