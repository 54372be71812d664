import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { templateSyncSecrets, type SecretName } from '../functions/routes.ts';
import { secretEnvironment } from './http-api.ts';
import { LambdaFunction } from './lambda-function.ts';

export interface TemplateSyncScheduleProps {
  table: ITable;
  /** WHATSAPP_WABA_ID among them: the WABA whose template list is read */
  environment: Record<string, string>;
  /** the Graph access token, for Meta's template list */
  secrets: Record<SecretName, ISecret>;
  /** minutes between syncs; default 15 */
  everyMinutes?: number;
  reservedConcurrency?: number;
}

export const TEMPLATE_SYNC_MINUTES = 15;

/**
 * The scheduled template sync: Meta's template list into the registry every 15 minutes (as
 * POST /templates/sync does on demand). A run that fails after its retries lands in the dead-letter
 * queue, whose depth alarms.
 */
export class TemplateSyncSchedule extends Construct {
  readonly function: NodejsFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: TemplateSyncScheduleProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the template sync; it has none of its own.',
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'The dead-letter queue of the template sync: the next run syncs again, nothing redrives; its depth alarms.',
    });
    this.function = new LambdaFunction(this, 'TemplateSync', {
      handlerName: 'scheduled-template-sync',
      table: props.table,
      tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      timeout: Duration.minutes(2),
      environment: { ...props.environment, ...secretEnvironment(props.secrets, templateSyncSecrets) },
      ...(props.reservedConcurrency ? { reservedConcurrency: props.reservedConcurrency } : {}),
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 1,
    }).function;
    for (const name of templateSyncSecrets) props.secrets[name].grantRead(this.function);
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaAsyncFailureDestination',
      reason: 'Failed runs go to the dead-letter queue (DeadLetterConfig) after the retry, and that queue alarms.',
    });
    new Rule(this, 'Every', {
      description: "Meta's template list into the template registry",
      schedule: Schedule.rate(Duration.minutes(props.everyMinutes ?? TEMPLATE_SYNC_MINUTES)),
      targets: [
        new LambdaTarget(this.function, {
          retryAttempts: 1,
          // a run older than the next one is not worth delivering
          maxEventAge: Duration.minutes(props.everyMinutes ?? TEMPLATE_SYNC_MINUTES),
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
  }
}
