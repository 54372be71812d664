import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, type Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, type DynamoEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SecretName } from '../functions/routes.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { secretEnvironment } from './http-api.ts';
import { LambdaFunction, type LambdaFunctionProps } from './lambda-function.ts';

/**
 * The parts every function outside the API shares: its failure queue (deadLetterQueue), the secrets
 * it is told of and may read, and how it is invoked, by a schedule or by the table's stream. The
 * construct ids are the callers' own, so the resources keep their logical ids.
 */
interface BackgroundFunctionProps extends Omit<LambdaFunctionProps, 'deadLetterQueue' | 'retryAttempts'> {
  /** construct ids of the function and of its failure queue */
  ids: { function: string; failures: string };
  /** whose failures the queue keeps, for cdk-nag's reasons */
  of: string;
  /** the engine's secrets and the only ones this function is told of and may read */
  secrets?: { all: Record<SecretName, ISecret>; names: readonly SecretName[] };
}

const withSecrets = (props: BackgroundFunctionProps): LambdaFunctionProps => ({
  ...props,
  environment: {
    ...props.environment,
    ...(props.secrets ? secretEnvironment(props.secrets.all, props.secrets.names) : {}),
  },
});

const grantSecrets = (fn: NodejsFunction, props: BackgroundFunctionProps): void => {
  for (const name of props.secrets?.names ?? []) props.secrets?.all[name].grantRead(fn);
};

export interface ScheduledFunctionProps extends BackgroundFunctionProps {
  /** construct id of the EventBridge rule */
  ruleId: string;
  schedule: Schedule;
  description: string;
  /** the schedule's delivery retries and the function's own asynchronous retries, each */
  retryAttempts: number;
  /** an event older than this is not worth delivering */
  maxEventAge: Duration;
}

/**
 * A function an EventBridge rule runs: a run that fails after its retries (or that EventBridge
 * could not deliver) lands in the dead-letter queue, whose depth alarms, instead of vanishing.
 */
export const scheduledFunction = (
  scope: Construct,
  props: ScheduledFunctionProps,
): { function: NodejsFunction; deadLetterQueue: Queue; rule: Rule } => {
  const queue = deadLetterQueue(scope, props.ids.failures, props.of);
  const fn = new LambdaFunction(scope, props.ids.function, {
    ...withSecrets(props),
    deadLetterQueue: queue,
    retryAttempts: props.retryAttempts,
  }).function;
  grantSecrets(fn, props);
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaAsyncFailureDestination',
    reason:
      'Failed runs go to the dead-letter queue (DeadLetterConfig) after the retries, and that queue alarms; one failure path is enough.',
  });
  const rule = new Rule(scope, props.ruleId, {
    description: props.description,
    schedule: props.schedule,
    targets: [
      new LambdaTarget(fn, {
        retryAttempts: props.retryAttempts,
        maxEventAge: props.maxEventAge,
        deadLetterQueue: queue,
      }),
    ],
  });
  return { function: fn, deadLetterQueue: queue, rule };
};

export interface StreamFunctionProps extends BackgroundFunctionProps {
  /** the table, with its stream enabled */
  table: ITable;
  /** the stream records this function is invoked for (Lambda filters, so it never runs for the rest) */
  filter: Readonly<Record<string, unknown>>;
  source: Required<Pick<DynamoEventSourceProps, 'batchSize' | 'retryAttempts'>> &
    Pick<DynamoEventSourceProps, 'parallelizationFactor'>;
}

/**
 * A function the table's stream invokes, filtered to the records it handles: a failing batch is
 * retried from the failed record (bisecting, ReportBatchItemFailures) within the stream's day, then
 * the record's position is parked on the failures queue, whose depth alarms.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
 */
export const streamFunction = (
  scope: Construct,
  props: StreamFunctionProps,
): { function: NodejsFunction; failures: Queue } => {
  const failures = deadLetterQueue(scope, props.ids.failures, props.of);
  const fn = new LambdaFunction(scope, props.ids.function, withSecrets(props)).function;
  grantSecrets(fn, props);
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason:
      'The table stream invokes this function through an event source mapping, whose on-failure destination (the failures queue, alarmed) keeps the records it gives up on; a function dead-letter queue applies to asynchronous invocations only.',
  });
  fn.addEventSource(
    new DynamoEventSource(props.table, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      maxRecordAge: Duration.days(1),
      ...props.source,
      onFailure: new SqsDlq(failures),
      filters: [FilterCriteria.filter(props.filter as Record<string, unknown>)],
    }),
  );
  return { function: fn, failures };
};

/** What the stack tells every stream consumer: the table, and how it runs everywhere else. */
export interface StreamConsumerProps {
  /** the table, with its stream enabled */
  table: ITable;
  environment?: Record<string, string>;
  reservedConcurrency?: number;
}

/** What a stream consumer is: its handler, filter, batching and table actions, its own environment. */
export type StreamConsumerSettings = Omit<StreamFunctionProps, keyof StreamConsumerProps> &
  Pick<StreamConsumerProps, 'environment'>;

/**
 * A construct around one streamFunction: the consumer passes what it is (handler, filter, batching,
 * table actions), the stack what is common to every function (table, environment, concurrency).
 */
export class StreamConsumer extends Construct {
  readonly function: NodejsFunction;
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: StreamConsumerProps, consumer: StreamConsumerSettings) {
    super(scope, id);
    ({ function: this.function, failures: this.failures } = streamFunction(this, {
      ...consumer,
      table: props.table,
      ...(props.reservedConcurrency ? { reservedConcurrency: props.reservedConcurrency } : {}),
      environment: { ...props.environment, ...consumer.environment },
    }));
  }
}
