import { publishMetric } from './metrics.ts';

/**
 * `Refusals` by error code and route (embedded metric format: the figure travels in the log line,
 * no CloudWatch call or permission), for the dashboard's "refusals by code". Only inside Lambda:
 * locally and in tests there is no CloudWatch to read it.
 */
export const countRefusal = (code: string, route: string | undefined): void => {
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME) return;
  publishMetric({ name: 'Refusals', unit: 'Count', value: 1, dimensions: { Code: code, Route: route ?? 'unknown' } });
};
