import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule, type Rule } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { costReportSecrets, type SecretName } from '../functions/routes.ts';
import { scheduledFunction } from './background-function.ts';
import type { ReportBucket } from './report-bucket.ts';

export interface CostReportScheduleProps {
  table: ITable;
  reports: ReportBucket;
  environment: Record<string, string>;
  rateCardFile?: string;
  /** the Graph access token, for Meta's pricing_analytics */
  secrets: Record<SecretName, ISecret>;
  reservedConcurrency?: number;
}

/** Both the schedule's delivery and the function's own async retries: 2 more tries each. */
export const REPORT_RETRY_ATTEMPTS = 2;

/**
 * The daily cost report: a function that reads aggregates and writes to the bucket, run at 01:00
 * UTC. A run that fails after its retries (or that EventBridge could not deliver) lands in the
 * dead-letter queue, whose depth alarms, instead of vanishing.
 */
export class CostReportSchedule extends Construct {
  readonly function: NodejsFunction;
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: CostReportScheduleProps) {
    super(scope, id);
    ({
      function: this.function,
      deadLetterQueue: this.deadLetterQueue,
      rule: this.rule,
    } = scheduledFunction(this, {
      ids: { function: 'CostReport', failures: 'DeadLetters' },
      of: 'the daily report',
      handlerName: 'cost-report',
      table: props.table,
      // reads the aggregates; writes the fold of the day that became final (aggregate-day parts)
      tableActions: ['dynamodb:Query', 'dynamodb:PutItem'],
      timeout: Duration.minutes(5),
      // the day and the month to date: the month alone is ~0.4 s of CPU (bench section 1d, as for
      // GET /reports/cost), so twice 512 MB's CPU share halves its time for about the same GB-seconds
      memorySize: 1024,
      environment: { ...props.environment, REPORT_BUCKET: props.reports.bucket.bucketName },
      secrets: { all: props.secrets, names: costReportSecrets },
      ...(props.rateCardFile ? { rateCardFile: props.rateCardFile } : {}),
      ...(props.reservedConcurrency ? { reservedConcurrency: props.reservedConcurrency } : {}),
      ruleId: 'Daily',
      description: "Yesterday's WhatsApp cost report and the month to date",
      schedule: Schedule.cron({ minute: '0', hour: '1' }),
      retryAttempts: REPORT_RETRY_ATTEMPTS,
      maxEventAge: Duration.hours(2),
    }));
    props.reports.grantWriteReports(this.function);
  }
}
