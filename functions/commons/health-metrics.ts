import { needsAttention, type HealthState } from '#domain/account-health';
import type { EpochSeconds } from '#domain/time';
import { publishMetric } from './metrics.ts';

/**
 * `AccountHealthAlert` (embedded metric format, as refusals.ts): 1 when a health webhook left a
 * number's quality RED (`Signal: quality-red`) or the account restricted (`Signal: restricted`), 0
 * when it left it clear. lib/monitoring.ts alarms on any 1. Only inside Lambda, as refusals.ts.
 */
export const HEALTH_METRIC = 'AccountHealthAlert';
export const HEALTH_SIGNALS = ['quality-red', 'restricted'] as const;

export const reportHealth = (scope: 'number' | 'account', state: HealthState, now: EpochSeconds): void => {
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME) return;
  const { red, restricted } = needsAttention(state, now);
  publishMetric({
    name: HEALTH_METRIC,
    unit: 'Count',
    value: (scope === 'number' ? red : restricted) ? 1 : 0,
    dimensions: { Signal: scope === 'number' ? 'quality-red' : 'restricted' },
  });
};
