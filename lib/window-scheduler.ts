import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue.ts';

/**
 * The schedule group that holds one one-time schedule per contact (window.closing, then
 * window.closed), the role EventBridge Scheduler assumes to invoke the publisher, and the
 * dead-letter queue for timers it could not deliver.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-group.html
 */
export class WindowScheduler extends Construct {
  readonly group: ScheduleGroup;
  readonly role: Role;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.group = new ScheduleGroup(this, 'Group', { scheduleGroupName: 'whatsapp-session-engine-windows' });
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetters', 'the window schedules');
    const { account } = Stack.of(this);
    this.role = new Role(this, 'Role', {
      description: 'EventBridge Scheduler invokes the event publisher with window timers',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    });
    this.deadLetterQueue.grantSendMessages(this.role);
  }

  /** The timers' target: the role may invoke this function, nothing else. */
  target(fn: IFunction): void {
    this.role.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
  }

  /** The schedules of this group, for the publisher's scheduler permissions. */
  get schedulesArn(): string {
    const { region, account, partition } = Stack.of(this);
    return `arn:${partition}:scheduler:${region}:${account}:schedule/${this.group.scheduleGroupName}/*`;
  }
}
