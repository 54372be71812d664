import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { documentClient } from '#clients/dynamodb';
import * as config from '#commons/config';
import { injectLambdaContext, logger } from '#commons/logger';
import { publishMetric } from '#commons/metrics';
import { traceHandler } from '#commons/tracer';
import { loadSecrets } from '#commons/secrets';
import { costReportSecrets } from '#routes';
import { createPricingAnalyticsClient } from '#graph/pricing-analytics';
import { systemClock, type Clock } from '#domain/time';
import { activeRateCard } from '#pricing/active-rate-card';
import type { CostReport } from '#pricing/cost-report';
import type { CostReportDeps } from '#report/cost-report-service';
import { writeDailyReports } from '#report/daily-reports';
import { parseDisplayNumbers } from '#report/report-insights';
import type { ReportSink } from '#report/report-sink';
import { S3ReportSink } from '#report/s3-report-sink';
import { DynamoDbReportStore } from '#store/dynamodb-report-store';
import { foldableDay } from '#store/items/aggregate-day';

export interface ScheduledReportDeps extends CostReportDeps {
  sink: ReportSink;
  clock: Clock;
  /** one EstimatedCost figure per business number for the reported day */
  publishCost: (phoneNumberId: string, amount: number, currency: string) => void;
}

export interface ScheduledReportResult {
  day: string;
  files: string[];
  total: number;
  monthToDate: number;
  currency: string;
}

const costByNumber = (report: CostReport): Map<string, number> => {
  const totals = new Map<string, number>();
  for (const row of report.rows) totals.set(row.phoneNumberId, (totals.get(row.phoneNumberId) ?? 0) + row.cost);
  return totals;
};

/**
 * Daily at 01:00 UTC: yesterday's report and the month to date, as JSON, CSV and an HTML page under
 * reports/YYYY/MM/DD/, and an EstimatedCost metric per business number. The event's own time
 * decides "yesterday", so a re-run for a missed day is an invocation with that day's time.
 */
export const createHandler = (deps: ScheduledReportDeps) =>
  middy(async (event: Partial<ScheduledEvent>): Promise<ScheduledReportResult> => {
    const now = event.time ? Math.floor(Date.parse(event.time) / 1000) : deps.clock();
    const { day, daily, monthToDate, files } = await writeDailyReports(deps, now);
    for (const [phoneNumberId, amount] of costByNumber(daily)) deps.publishCost(phoneNumberId, amount, daily.currency);
    // The day that just became final is folded: later reports read it with one Query, not one per shard.
    await deps.store.foldDay?.(foldableDay(now, config.retentionDays()));
    logger.info('cost report written', {
      day,
      total: daily.total,
      monthToDate: monthToDate.total,
      files: files.length,
    });
    return { day, files, total: daily.total, monthToDate: monthToDate.total, currency: daily.currency };
  })
    .use(traceHandler())
    .use(injectLambdaContext(logger, { resetKeys: true }));

/** Meta's pricing_analytics through the Graph API, when WHATSAPP_WABA_ID and an access token are configured. */
const metaAnalytics = (): CostReportDeps['metaAnalytics'] => {
  const wabaId = config.wabaId();
  if (!wabaId) return undefined;
  const client = createPricingAnalyticsClient({
    baseUrl: config.whatsAppApiUrl(),
    apiVersion: config.whatsAppApiVersion(),
    accessToken: async () => (await loadSecrets(costReportSecrets)).accessToken,
  });
  return async (range) => {
    if (!(await loadSecrets(costReportSecrets)).accessToken) return undefined;
    const result = await client.fetchPricingAnalytics({ wabaId, from: range.from, to: range.to });
    if (result.ok) return result.points;
    logger.warn("Meta's pricing_analytics could not be read; the report goes out without it", {
      kind: result.kind,
      code: result.code,
      httpStatus: result.httpStatus,
    });
    return undefined;
  };
};

const analytics = metaAnalytics();

export const handler = createHandler({
  store: new DynamoDbReportStore(documentClient, config.tableName()),
  rateCard: activeRateCard(),
  displayNumbers: parseDisplayNumbers(config.displayNumbers()),
  ...(analytics ? { metaAnalytics: analytics } : {}),
  sink: new S3ReportSink(config.reportBucket()),
  clock: systemClock,
  // Embedded metric format: the figure travels in the log line, so no CloudWatch API call or permission.
  publishCost: (phoneNumberId, amount, currency) =>
    publishMetric({
      name: 'EstimatedCost',
      unit: 'None',
      value: amount,
      dimensions: { PhoneNumberId: phoneNumberId, Currency: currency },
    }),
});
