import { documentClient } from '#clients/dynamodb';
import { config } from '#commons/config';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { apiHandler } from '#http/api-handler';
import { requireApiToken } from '#http/api-token';
import { json } from '#http/responses';
import { activeRateCard } from '#pricing/active-rate-card';
import { buildCostReport, type CostReportDeps } from '#report/cost-report-service';
import { parseReportRange } from '#report/report-range';
import { costReportCsv } from '#report/render-csv';
import { DynamoDbReportStore } from '#store/dynamodb-report-store';

const wantsCsv = (accept: string | undefined): boolean => /\btext\/csv\b/i.test(accept ?? '');

/** GET /reports/cost?from=YYYY-MM-DD&to=YYYY-MM-DD: JSON, or CSV with `Accept: text/csv`. */
export const createHandler = (deps: CostReportDeps & { secrets: () => Promise<Secrets<'apiTokens'>> }) =>
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
      return json(200, report);
    },
    { middlewares: [requireApiToken(deps.secrets, 'get-cost-report')] },
  );

export const handler = createHandler({
  store: new DynamoDbReportStore(documentClient, config.tableName),
  rateCard: activeRateCard(),
  secrets: routeSecrets('get-cost-report'),
});
