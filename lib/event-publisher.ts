import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { StartingPosition, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LambdaFunction } from './lambda-function.ts';
import type { WindowScheduler } from './window-scheduler.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';

export interface EventPublisherProps {
  table: ITable;
  bus: IEventBus;
  scheduler: WindowScheduler;
  /** WINDOW_CLOSING_NOTICE_MINUTES; 60 by default */
  closingNoticeMinutes?: number;
  reservedConcurrency?: number;
}

/**
 * publish-events: the table's stream (the outbox) in, domain events out to the bus. The event
 * source mapping retries a failing batch, bisects it to isolate a bad record, resumes after the
 * last record the handler reports done, and sends records that keep failing to a queue.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
 * It reads nothing from the table: only the stream, PutEvents on its bus, and its window schedules.
 */
export class EventPublisher extends Construct {
  readonly function: IFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: EventPublisherProps) {
    super(scope, id);
    const { scheduler } = props;
    const fn = new LambdaFunction(this, 'Publisher', {
      handlerName: 'publish-events',
      table: props.table,
      tableActions: [],
      timeout: Duration.seconds(60),
      ...(props.reservedConcurrency ? { reservedConcurrency: props.reservedConcurrency } : {}),
      environment: {
        EVENT_BUS_NAME: props.bus.eventBusName,
        SCHEDULE_GROUP: scheduler.group.scheduleGroupName,
        SCHEDULER_ROLE_ARN: scheduler.role.roleArn,
        SCHEDULER_DLQ_ARN: scheduler.deadLetterQueue.queueArn,
        WINDOW_CLOSING_NOTICE_MINUTES: String(props.closingNoticeMinutes ?? 60),
      },
    }).function;
    this.function = fn;
    this.deadLetterQueue = deadLetterQueue(
      this,
      'FailedRecords',
      "the publisher's stream mapping (its on-failure destination)",
    );
    fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        maxRecordAge: Duration.days(1),
        // one batch per shard at a time: a message's changes are published in the order they were stored
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.deadLetterQueue),
      }),
    );
    props.bus.grantPutEventsTo(fn);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'scheduler:CreateSchedule',
          'scheduler:UpdateSchedule',
          'scheduler:DeleteSchedule',
          'scheduler:GetSchedule',
        ],
        resources: [scheduler.schedulesArn],
      }),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: ['iam:PassRole'], resources: [scheduler.role.roleArn] }));
    scheduler.target(fn);

    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        "Its two sources keep their own failures: the stream mapping's on-failure queue (FailedRecords) and the window schedules' dead-letter queue (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html).",
    });
    const policy = fn.role?.node.tryFindChild('DefaultPolicy');
    if (policy) {
      // cdk-nag names the resource as synthesized: a pseudo parameter where the stack has no fixed value.
      const { partition, region, account } = Stack.of(this);
      const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
      const arn = `arn:${shown(partition, 'Partition')}:scheduler:${shown(region, 'Region')}:${shown(account, 'AccountId')}`;
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arn}:schedule/${scheduler.group.scheduleGroupName}/*]`,
        reason:
          "One schedule per contact is created at run time, so their names are not known at deploy time; the grant is limited to this stack's schedule group.",
      });
    }
  }
}
