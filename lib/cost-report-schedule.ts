import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { costReportSecrets, type SecretName } from '../functions/routes.ts';
import { secretEnvironment } from './http-api.ts';
import { LambdaFunction } from './lambda-function.ts';

export interface CostReportScheduleProps {
  table: ITable;
  bucket: IBucket;
  environment: Record<string, string>;
  rateCardFile?: string;
  /** the Graph access token, for Meta's pricing_analytics */
  secrets: Record<SecretName, ISecret>;
}

/** The daily cost report: a function that reads aggregates and writes to the bucket, run at 01:00 UTC. */
export class CostReportSchedule extends Construct {
  readonly function: NodejsFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: CostReportScheduleProps) {
    super(scope, id);
    this.function = new LambdaFunction(this, 'CostReport', {
      handlerName: 'cost-report',
      table: props.table,
      tableActions: ['dynamodb:Query'],
      timeout: Duration.minutes(5),
      environment: {
        ...props.environment,
        REPORT_BUCKET: props.bucket.bucketName,
        ...secretEnvironment(props.secrets, costReportSecrets),
      },
      ...(props.rateCardFile ? { rateCardFile: props.rateCardFile } : {}),
    }).function;
    for (const name of costReportSecrets) props.secrets[name].grantRead(this.function);
    // Exactly PutObject under reports/: grantPut would add tagging, retention and Abort* it never uses.
    this.function.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [props.bucket.arnForObjects('reports/*')] }),
    );
    this.rule = new Rule(this, 'Daily', {
      description: "Yesterday's WhatsApp cost report and the month to date",
      schedule: Schedule.cron({ minute: '0', hour: '1' }),
      targets: [new LambdaTarget(this.function, { retryAttempts: 2 })],
    });
  }
}
