/**
 * One CloudWatch metric as a line of embedded metric format (EMF) on stdout: the figure travels in
 * the function's log, so there is no CloudWatch API call or permission. The format is AWS's public
 * specification, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html;
 * the engine only ever writes one metric per line (what Powertools Metrics' `singleMetric()` did,
 * without its 10 KB in every bundle). The dimensions are exactly the ones named, so the metric is the
 * one lib/monitoring.ts alarms on and searches for (`{namespace,Code,Route}`, `{Signal}`): the service
 * name is a property of the line, not a dimension.
 */
export const METRICS_NAMESPACE = 'WhatsAppSessionEngine';
const SERVICE = 'whatsapp-session-engine';

/** The CloudWatch units the engine publishes in. */
export type MetricUnit = 'Count' | 'None';

export interface MetricLine {
  name: string;
  unit: MetricUnit;
  value: number;
  dimensions: Record<string, string>;
}

/** The EMF document for one metric at `timestampMs`. */
export const metricLine = ({ name, unit, value, dimensions }: MetricLine, timestampMs: number): string =>
  JSON.stringify({
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [
        { Namespace: METRICS_NAMESPACE, Dimensions: [Object.keys(dimensions)], Metrics: [{ Name: name, Unit: unit }] },
      ],
    },
    service: SERVICE,
    ...dimensions,
    [name]: value,
  });

/**
 * Written straight to stdout, past the runtime's console (which, with Lambda's JSON log format,
 * would wrap the line in its own JSON and CloudWatch would no longer read it as EMF).
 */
export const publishMetric = (
  metric: MetricLine,
  write: (line: string) => unknown = (line) => process.stdout.write(`${line}\n`),
): void => {
  write(metricLine(metric, Date.now()));
};
