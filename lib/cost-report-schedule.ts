import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { costReportSecrets, type SecretName } from '../functions/routes.ts';
import { secretEnvironment } from './http-api.ts';
import { LambdaFunction } from './lambda-function.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';

export interface CostReportScheduleProps {
  table: ITable;
  bucket: IBucket;
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
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetters', 'the daily report');
    this.function = new LambdaFunction(this, 'CostReport', {
      handlerName: 'cost-report',
      table: props.table,
      // reads the aggregates; writes the fold of the day that became final (aggregate-day parts)
      tableActions: ['dynamodb:Query', 'dynamodb:PutItem'],
      timeout: Duration.minutes(5),
      environment: {
        ...props.environment,
        REPORT_BUCKET: props.bucket.bucketName,
        ...secretEnvironment(props.secrets, costReportSecrets),
      },
      ...(props.rateCardFile ? { rateCardFile: props.rateCardFile } : {}),
      ...(props.reservedConcurrency ? { reservedConcurrency: props.reservedConcurrency } : {}),
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: REPORT_RETRY_ATTEMPTS,
    }).function;
    for (const name of costReportSecrets) props.secrets[name].grantRead(this.function);
    // Exactly PutObject under reports/: grantPut would add tagging, retention and Abort* it never uses.
    const put = new PolicyStatement({
      actions: ['s3:PutObject'],
      resources: [props.bucket.arnForObjects('reports/*')],
    });
    this.function.addToRolePolicy(put);
    if (this.function.role) {
      Validations.of(this.function.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(props.bucket.node.defaultChild as CfnElement)}.Arn>/reports/*]`,
        reason:
          'The report writes one dated object set a day under reports/ (reports/YYYY/MM/DD/*): PutObject on that prefix only.',
      });
    }
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaAsyncFailureDestination',
      reason:
        'Failed runs go to the dead-letter queue (DeadLetterConfig) after the retries, and that queue alarms; one failure path is enough.',
    });
    this.rule = new Rule(this, 'Daily', {
      description: "Yesterday's WhatsApp cost report and the month to date",
      schedule: Schedule.cron({ minute: '0', hour: '1' }),
      targets: [
        new LambdaTarget(this.function, {
          retryAttempts: REPORT_RETRY_ATTEMPTS,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
  }
}
