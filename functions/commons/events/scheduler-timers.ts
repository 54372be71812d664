import { createHash } from 'node:crypto';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  UpdateScheduleCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { WindowTimer, WindowTimerChange, WindowTimers } from './window-timer';

export interface SchedulerTimersOptions {
  group: string;
  /** the function the schedules invoke (the publisher itself) */
  targetArn: () => string;
  /** the role EventBridge Scheduler assumes to invoke it */
  roleArn: string;
  deadLetterArn: string;
}

/** One schedule per contact, named from a digest of the contact so no id appears in a resource name. */
export const scheduleNameOf = (phoneNumberId: string, contactId: string): string =>
  `window-${createHash('sha256').update(`${phoneNumberId}#${contactId}`).digest('hex').slice(0, 40)}`;

/** `at()` takes a UTC date-time without zone or fraction. */
const atExpression = (at: number): string => `at(${new Date(at * 1000).toISOString().slice(0, 19)})`;

const isMissing = (error: unknown): boolean => error instanceof ResourceNotFoundException;

/**
 * The window's timers on AWS: a one-time EventBridge Scheduler schedule per contact, in the engine's
 * schedule group, invoking the publisher with the timer as input, retried and dead-lettered by the
 * scheduler. Setting replaces the schedule (update, or create when there is none).
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#one-time
 */
export class SchedulerTimers implements WindowTimers {
  constructor(
    private readonly client: SchedulerClient,
    private readonly options: SchedulerTimersOptions,
  ) {}

  async apply(change: WindowTimerChange): Promise<void> {
    if (change.action === 'cancel') {
      await this.client
        .send(
          new DeleteScheduleCommand({
            GroupName: this.options.group,
            Name: scheduleNameOf(change.phoneNumberId, change.contactId),
          }),
        )
        .catch((error: unknown) => {
          if (!isMissing(error)) throw error;
        });
      return;
    }
    const input = this.scheduleInput(change);
    try {
      await this.client.send(new UpdateScheduleCommand(input));
    } catch (error) {
      if (!isMissing(error)) throw error;
      await this.client.send(new CreateScheduleCommand(input)).catch(async (created: unknown) => {
        // Another batch created it in between: ours is the later change, so it wins.
        if (!(created instanceof ConflictException)) throw created;
        await this.client.send(new UpdateScheduleCommand(input));
      });
    }
  }

  async advance(current: WindowTimer, next: WindowTimerChange): Promise<void> {
    const name = scheduleNameOf(current.phoneNumberId, current.contactId);
    const schedule = await this.client
      .send(new GetScheduleCommand({ GroupName: this.options.group, Name: name }))
      .catch((error: unknown) => {
        if (isMissing(error)) return undefined;
        throw error;
      });
    const held = schedule?.Target?.Input ? (JSON.parse(schedule.Target.Input) as Partial<WindowTimer>) : undefined;
    // The window moved while this timer fired: the stream already set the timer of the new window.
    if (schedule && held?.expiresAt !== current.expiresAt) return;
    await this.apply(next);
  }

  private scheduleInput(change: Extract<WindowTimerChange, { action: 'set' }>) {
    const { timer } = change;
    return {
      GroupName: this.options.group,
      Name: scheduleNameOf(timer.phoneNumberId, timer.contactId),
      ScheduleExpression: atExpression(change.at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      // The last timer of a window removes itself; the closing one is moved to expiry when it fires.
      ActionAfterCompletion: timer.fire === 'closed' ? ('DELETE' as const) : ('NONE' as const),
      Target: {
        Arn: this.options.targetArn(),
        RoleArn: this.options.roleArn,
        Input: JSON.stringify(timer),
        DeadLetterConfig: { Arn: this.options.deadLetterArn },
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
      },
    };
  }
}
