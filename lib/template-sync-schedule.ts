import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { templateSyncSecrets, type SecretName } from '../functions/routes.ts';
import { scheduledFunction } from './background-function.ts';

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
 * POST /templates/sync does on demand). A run that fails after its retry lands in the dead-letter
 * queue, whose depth alarms; the next run syncs again, so nothing redrives.
 */
export class TemplateSyncSchedule extends Construct {
  readonly function: NodejsFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: TemplateSyncScheduleProps) {
    super(scope, id);
    const minutes = props.everyMinutes ?? TEMPLATE_SYNC_MINUTES;
    ({ function: this.function, deadLetterQueue: this.deadLetterQueue } = scheduledFunction(this, {
      ids: { function: 'TemplateSync', failures: 'DeadLetters' },
      of: 'the template sync',
      handlerName: 'scheduled-template-sync',
      table: props.table,
      tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      timeout: Duration.minutes(2),
      environment: props.environment,
      secrets: { all: props.secrets, names: templateSyncSecrets },
      ...(props.reservedConcurrency ? { reservedConcurrency: props.reservedConcurrency } : {}),
      ruleId: 'Every',
      description: "Meta's template list into the template registry",
      schedule: Schedule.rate(Duration.minutes(minutes)),
      retryAttempts: 1,
      // a run older than the next one is not worth delivering
      maxEventAge: Duration.minutes(minutes),
    }));
  }
}
