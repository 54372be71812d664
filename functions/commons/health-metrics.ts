import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { needsAttention, type HealthState } from '#domain/account-health';
import type { EpochSeconds } from '#domain/time';

/**
 * `AccountHealthAlert` (embedded metric format, as refusals.ts): 1 when a health webhook left a
 * number's quality RED (`Signal: quality-red`) or the account restricted (`Signal: restricted`), 0
 * when it left it clear. lib/monitoring.ts alarms on any 1. Only inside Lambda, as refusals.ts.
 */
export const HEALTH_METRIC = 'AccountHealthAlert';
export const HEALTH_SIGNALS = ['quality-red', 'restricted'] as const;

const metrics = new Metrics({ namespace: 'WhatsAppSessionEngine', serviceName: 'whatsapp-session-engine' });

export const reportHealth = (scope: 'number' | 'account', state: HealthState, now: EpochSeconds): void => {
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME) return;
  const { red, restricted } = needsAttention(state, now);
  const metric = metrics.singleMetric();
  metric.addDimensions({ Signal: scope === 'number' ? 'quality-red' : 'restricted' });
  metric.addMetric(HEALTH_METRIC, MetricUnit.Count, (scope === 'number' ? red : restricted) ? 1 : 0);
};
