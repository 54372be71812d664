import { documentClient } from '#clients/dynamodb';
import * as config from '#commons/config';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { apiHandler } from '#http/api-handler';
import { requireApiToken } from '#http/api-token';
import { ApiError, badRequest } from '#http/errors';
import { json } from '#http/responses';
import { activeRateCard } from '#pricing/active-rate-card';
import { buildCostReport, type CostReportDeps } from '#report/cost-report-service';
import { parseReportRange } from '#report/report-range';
import { parseDisplayNumbers } from '#report/report-insights';
import { REPORT_LINK_SECONDS, reportLinks, storedReportKey } from '#report/report-links';
import type { ReportLinks } from '#report/report-sink';
import { costReportCsv } from '#report/render-csv';
import { costReportHtml, HTML_CONTENT_TYPE } from '#report/render-html';
import { reportTitle } from '#report/write-report-files';
import { systemClock, type Clock } from '#domain/time';
import { DynamoDbReportStore } from '#store/dynamodb-report-store';

const wantsCsv = (accept: string | undefined): boolean => /\btext\/csv\b/i.test(accept ?? '');
/** A browser's Accept (`text/html,application/xhtml+xml,…`) asks for the page. */
const wantsHtml = (accept: string | undefined): boolean => /\btext\/html\b/i.test(accept ?? '');

export interface GetCostReportDeps extends CostReportDeps {
  secrets: () => Promise<Secrets<'apiTokens'>>;
  clock?: Clock;
  /** the stored pages: S3 on AWS, the data folder locally */
  links?: () => ReportLinks;
}

/** `?link=true`: a short-lived URL of a page the scheduled job stored, instead of a report built now. */
const storedPageLink = async (deps: GetCostReportDeps, query: Record<string, string | undefined>) => {
  const key = storedReportKey(query.from, query.to);
  const links = deps.links?.();
  if (!links) throw new Error('no report links configured');
  if (!(await links.exists(key))) {
    throw new ApiError(
      404,
      'REPORT_NOT_STORED',
      `No stored page at ${key} yet: the daily job writes yesterday's at 01:00 UTC; leave out link=true to get this range rendered now.`,
    );
  }
  const now = (deps.clock ?? systemClock)();
  return json(200, {
    key,
    url: await links.readUrl(key, REPORT_LINK_SECONDS),
    expiresAt: new Date((now + REPORT_LINK_SECONDS) * 1000).toISOString(),
  });
};

/**
 * GET /reports/cost?from=YYYY-MM-DD&to=YYYY-MM-DD: JSON, CSV with `Accept: text/csv`, or the HTML
 * page the scheduled job writes with `Accept: text/html`. With `link=true`: a presigned link to a
 * page the job stored (on AWS an S3 URL; locally one of the local server), as GET /media redirects.
 */
export const createHandler = (deps: GetCostReportDeps) =>
  apiHandler(
    async (event) => {
      const link = event.queryStringParameters?.link;
      if (link !== undefined && link !== 'true' && link !== 'false') {
        throw badRequest(
          'INVALID_LINK',
          `link must be true (a link to a stored page) or left out, not ${JSON.stringify(link)}.`,
        );
      }
      if (link === 'true') return storedPageLink(deps, event.queryStringParameters ?? {});
      const range = parseReportRange(event.queryStringParameters?.from, event.queryStringParameters?.to);
      const report = await buildCostReport(deps, range);
      if (wantsCsv(event.headers.accept)) {
        return {
          statusCode: 200,
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="cost-${range.from}-${range.to}.csv"`,
          },
          body: costReportCsv(report),
        };
      }
      if (wantsHtml(event.headers.accept)) {
        const generatedAt = new Date((deps.clock ?? systemClock)() * 1000).toISOString();
        return {
          statusCode: 200,
          headers: { 'content-type': HTML_CONTENT_TYPE },
          body: costReportHtml(report, { title: reportTitle(report), generatedAt }),
        };
      }
      return json(200, report);
    },
    { middlewares: [requireApiToken(deps.secrets, 'get-cost-report')] },
  );

let links: ReportLinks | undefined;

export const handler = createHandler({
  store: new DynamoDbReportStore(documentClient, config.tableName()),
  rateCard: activeRateCard(),
  displayNumbers: parseDisplayNumbers(config.displayNumbers()),
  secrets: routeSecrets('get-cost-report'),
  links: () => (links ??= reportLinks()),
});
