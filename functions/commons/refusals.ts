import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * `Refusals` by error code and route (embedded metric format: the figure travels in the log line,
 * no CloudWatch call or permission), for the dashboard's "refusals by code". Only inside Lambda:
 * locally and in tests there is no CloudWatch to read it.
 */
const metrics = new Metrics({ namespace: 'WhatsAppSessionEngine', serviceName: 'whatsapp-session-engine' });

export const countRefusal = (code: string, route: string | undefined): void => {
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME) return;
  const metric = metrics.singleMetric();
  metric.addDimensions({ Code: code, Route: route ?? 'unknown' });
  metric.addMetric('Refusals', MetricUnit.Count, 1);
};
