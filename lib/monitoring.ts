import { Aspects, Duration, type IAspect } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { METRICS_NAMESPACE, type SessionApi } from './http-api.ts';

export interface MonitoringProps {
  httpApi: HttpApi;
  functions: Record<string, IFunction>;
  table: ITable;
  /** from the API's access logs */
  apiMetrics: SessionApi['metrics'];
  /** the scheduled report, whose missing run alarms */
  reportFunction: IFunction;
  /** every dead-letter queue of the stack: any message in one alarms */
  deadLetterQueues: { name: string; queue: IQueue }[];
  /** subscribed to the alarm topic */
  alarmEmail?: string;
}

/** Gives every alarm of the stack the topic as its action, including alarms added by later constructs. */
class NotifyTopic implements IAspect {
  private readonly notified = new WeakSet<Alarm>();
  constructor(private readonly action: SnsAction) {}
  visit(node: IConstruct): void {
    if (!(node instanceof Alarm) || this.notified.has(node)) return;
    node.addAlarmAction(this.action);
    this.notified.add(node);
  }
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * What pages an operator (every alarm notifies one SNS topic), and the dashboard of what they watch:
 * functions erroring, the API answering 5xx, Meta's webhooks refused (a wrong or rotated app
 * secret) or slow, the daily report missing, DynamoDB throttling, anything in a dead-letter queue.
 */
export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly topic: Topic;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', { displayName: 'WhatsApp session engine alarms', enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    Aspects.of(this.node.scope ?? this).add(new NotifyTopic(new SnsAction(this.topic)));

    const alarm = (name: string, description: string, metric: Metric | MathExpression, threshold: number, more = {}) =>
      this.alarms.push(
        new Alarm(this, name, {
          alarmDescription: description,
          metric,
          threshold,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
          ...more,
        }),
      );

    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}-errors`, `${name}: the Lambda threw or timed out`, fn.metricErrors({ period: FIVE_MINUTES }), 1);
    }
    alarm(
      'api-5xx',
      'The HTTP API answered 5xx: Meta retries webhooks, callers see failures',
      props.httpApi.metricServerError({ period: FIVE_MINUTES }),
      5,
    );
    alarm(
      'webhook-unauthorized',
      "POST /webhook answered 401 more than a handful of times in 5 minutes: the app secret in the secret is not Meta's (wrong or rotated); Meta keeps retrying until it matches",
      props.apiMetrics.webhookUnauthorized.with({ statistic: 'Sum' }),
      6,
    );
    alarm(
      'webhook-latency-p99',
      'POST /webhook p99 latency over 1 s for 5 minutes: Meta may time out and redeliver',
      props.apiMetrics.webhookLatency.with({ statistic: 'p99' }),
      1000,
      { comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD },
    );
    // Successful runs per hour; 26 hours without one (a day and a margin for the retries) alarm.
    // An hour without a run has no data at all, and missing data counts as breaching.
    const reportSuccesses = new MathExpression({
      expression: 'invocations - errors',
      usingMetrics: {
        invocations: props.reportFunction.metricInvocations({ period: Duration.hours(1), statistic: 'Sum' }),
        errors: props.reportFunction.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      },
      period: Duration.hours(1),
      label: 'daily report runs that succeeded',
    });
    alarm(
      'report-missing',
      'No daily cost report succeeded for 26 hours: check its logs and dead-letter queue',
      reportSuccesses,
      1,
      {
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 26,
        datapointsToAlarm: 26,
        treatMissingData: TreatMissingData.BREACHING,
      },
    );
    const throttles = new MathExpression({
      expression: 'reads + writes',
      usingMetrics: {
        reads: props.table.metric('ReadThrottleEvents', { period: FIVE_MINUTES, statistic: 'Sum' }),
        writes: props.table.metric('WriteThrottleEvents', { period: FIVE_MINUTES, statistic: 'Sum' }),
      },
      period: FIVE_MINUTES,
      label: 'DynamoDB throttle events',
    });
    alarm('dynamodb-throttles', 'DynamoDB throttled reads or writes of the session table', throttles, 1);
    // Meta's health webhooks (functions/commons/health-metrics.ts): the metric is 1 while a number is RED or
    // the account restricted; no business rule here, only the threshold.
    for (const [signal, description] of [
      [
        'quality-red',
        "A business number's quality rating is RED: Meta may lower its messaging limit; see GET /numbers/{id}",
      ],
      ['restricted', 'Meta restricted or disabled the WhatsApp Business Account; see GET /numbers/{id}'],
    ] as const) {
      alarm(
        `health-${signal}`,
        description,
        new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: 'AccountHealthAlert',
          dimensionsMap: { Signal: signal },
          statistic: 'Maximum',
          period: FIVE_MINUTES,
        }),
        1,
      );
    }
    for (const { name, queue } of props.deadLetterQueues) {
      alarm(
        `${name}-dlq-depth`,
        `${name}: a message is in the dead-letter queue (a failed run or event); read it, fix the cause, then redrive or delete it`,
        queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        0,
        { comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD },
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    const search = (dimensions: string, metricName: string, statistic: string, label: string) =>
      new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},${dimensions}} MetricName="${metricName}"', '${statistic}', 300)`,
        label,
        period: FIVE_MINUTES,
      });
    const widget = (title: string, left: (Metric | MathExpression)[]) => new GraphWidget({ title, left, width: 12 });
    this.dashboard.addWidgets(
      widget('Webhook requests (5 min)', [
        props.apiMetrics.webhookRequests.with({ statistic: 'Sum', label: 'POST /webhook' }),
      ]),
      widget('Webhook latency (ms)', [
        props.apiMetrics.webhookLatency.with({ statistic: 'p50', label: 'p50' }),
        props.apiMetrics.webhookLatency.with({ statistic: 'p99', label: 'p99' }),
      ]),
      widget('API 4xx and 5xx', [
        props.httpApi.metricClientError({ period: FIVE_MINUTES, label: '4xx' }),
        props.httpApi.metricServerError({ period: FIVE_MINUTES, label: '5xx' }),
        props.apiMetrics.webhookUnauthorized.with({ statistic: 'Sum', label: 'webhook 401' }),
      ]),
      widget('Sends by outcome (HTTP status)', [search('Status', 'SendResponses', 'Sum', 'POST /messages')]),
      widget('Refusals by code', [search('Code,Route', 'Refusals', 'Sum', 'refusals')]),
      widget('Estimated cost per number (daily report)', [
        search('Currency,PhoneNumberId', 'EstimatedCost', 'Maximum', 'EstimatedCost'),
      ]),
    );
  }
}
