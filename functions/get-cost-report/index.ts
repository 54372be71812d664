import { documentClient } from '#clients/dynamodb';
import { config } from '#commons/config';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { apiHandler } from '#http/api-handler';
import { requireApiToken } from '#http/api-token';
import { json } from '#http/responses';
import { activeRateCard } from '#pricing/active-rate-card';
import { buildCostReport, type CostReportDeps } from '#report/cost-report-service';
import { parseReportRange } from '#report/report-range';
import { parseDisplayNumbers } from '#report/report-insights';
import { costReportCsv } from '#report/render-csv';
import { costReportHtml, HTML_CONTENT_TYPE } from '#report/render-html';
import { reportTitle } from '#report/write-report-files';
import { systemClock, type Clock } from '#domain/time';
import { DynamoDbReportStore } from '#store/dynamodb-report-store';

const wantsCsv = (accept: string | undefined): boolean => /\btext\/csv\b/i.test(accept ?? '');
/** A browser's Accept (`text/html,application/xhtml+xml,…`) asks for the page. */
const wantsHtml = (accept: string | undefined): boolean => /\btext\/html\b/i.test(accept ?? '');

/**
 * GET /reports/cost?from=YYYY-MM-DD&to=YYYY-MM-DD: JSON, CSV with `Accept: text/csv`, or the HTML
 * page the scheduled job writes with `Accept: text/html`.
 */
export const createHandler = (deps: CostReportDeps & { secrets: () => Promise<Secrets<'apiTokens'>>; clock?: Clock }) =>
  apiHandler(
    async (event) => {
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

export const handler = createHandler({
  store: new DynamoDbReportStore(documentClient, config.tableName),
  rateCard: activeRateCard(),
  displayNumbers: parseDisplayNumbers(config.displayNumbers),
  secrets: routeSecrets('get-cost-report'),
});
