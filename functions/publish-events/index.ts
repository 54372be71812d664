import middy from '@middy/core';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { injectLambdaContext, logger } from '#commons/logger';
import { JsonLinesBus, type EventBus } from '#commons/events/bus';
import { EventBridgeBus } from '#commons/events/eventbridge-bus';
import { HttpBus } from '#commons/events/http-bus';
import { LocalTimers } from '#commons/events/local-timers';
import { closingNoticeSeconds, fireWindowTimer, publishRecords, type PublisherDeps } from '#commons/events/publisher';
import { SchedulerTimers } from '#commons/events/scheduler-timers';
import { isWindowTimer, type WindowTimer, type WindowTimers } from '#commons/events/window-timer';
import { systemClock } from '#domain/time';

/**
 * publish-events: fed by the table's stream (new and old images), it turns stored changes into
 * domain events on the bus; EventBridge Scheduler invokes it with a window timer for the timed
 * window events. The same handler runs locally, called by the local stream reader.
 */
export const createHandler = (deps: PublisherDeps) =>
  middy(async (event: DynamoDBStreamEvent | WindowTimer): Promise<DynamoDBBatchResponse | { published: true }> => {
    if (isWindowTimer(event)) {
      await fireWindowTimer(event, deps);
      return { published: true };
    }
    return publishRecords(event.Records ?? [], deps);
  }).use(injectLambdaContext(logger, { resetKeys: true }));

/** The function's own ARN, which its schedules target: known from the first invocation's context. */
let ownArn = '';

const busFromEnv = (env: NodeJS.ProcessEnv): EventBus => {
  if (env.EVENT_BUS_NAME) return new EventBridgeBus(new EventBridgeClient({}), env.EVENT_BUS_NAME);
  if (env.EVENTS_URL) return new HttpBus({ url: env.EVENTS_URL, apiKey: env.EVENTS_API_KEY });
  return new JsonLinesBus();
};

const timersFromEnv = (env: NodeJS.ProcessEnv, fire: (timer: WindowTimer) => Promise<void>): WindowTimers =>
  env.SCHEDULE_GROUP
    ? new SchedulerTimers(new SchedulerClient({}), {
        group: env.SCHEDULE_GROUP,
        targetArn: () => ownArn,
        roleArn: env.SCHEDULER_ROLE_ARN ?? '',
        deadLetterArn: env.SCHEDULER_DLQ_ARN ?? '',
      })
    : new LocalTimers(fire);

const deps: PublisherDeps = {
  bus: busFromEnv(process.env),
  timers: undefined as unknown as WindowTimers,
  clock: systemClock,
  closingNoticeSeconds: closingNoticeSeconds(),
};
deps.timers = timersFromEnv(process.env, (timer) => fireWindowTimer(timer, deps));

const wrapped = createHandler(deps);

export const handler = (event: DynamoDBStreamEvent | WindowTimer, context: Context) => {
  if (context?.invokedFunctionArn) ownArn = context.invokedFunctionArn.split(':').slice(0, 7).join(':');
  return wrapped(event, context);
};
