import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { logger } from '#commons/logger';
import type { Clock } from '#domain/time';
import { windowTimerOutcome } from '#store/items/window.events';
import { DeliveryError, type EventBus } from './bus';
import type { DomainEvent } from './catalogue';
import type { EventContext, ItemOutcome } from './declaration';
import { itemChangeOf } from './item-change';
import { outcomeOf } from './registry';
import type { WindowTimer, WindowTimers } from './window-timer';

export interface PublisherDeps {
  bus: EventBus;
  timers: WindowTimers;
  clock: Clock;
  closingNoticeSeconds: number;
}

/** WINDOW_CLOSING_NOTICE_MINUTES (default 60) in seconds. */
export const closingNoticeSeconds = (env: NodeJS.ProcessEnv = process.env): number => {
  const minutes = Number(env.WINDOW_CLOSING_NOTICE_MINUTES);
  return (env.WINDOW_CLOSING_NOTICE_MINUTES && Number.isFinite(minutes) && minutes >= 0 ? minutes : 60) * 60;
};

const failureFrom = (record: DynamoDBRecord | undefined): DynamoDBBatchResponse => ({
  batchItemFailures: record?.dynamodb?.SequenceNumber ? [{ itemIdentifier: record.dynamodb.SequenceNumber }] : [],
});

/**
 * One stream batch: every record's events (from the images only), put on the bus in record order,
 * then the window timers. Records are done in order, so on any failure the batch reports the
 * first record not done; the stream retries from there (ReportBatchItemFailures), and the events
 * of that record are published again with the same ids.
 */
export const publishRecords = async (
  records: DynamoDBRecord[],
  deps: PublisherDeps,
): Promise<DynamoDBBatchResponse> => {
  const context: EventContext = { now: deps.clock(), closingNoticeSeconds: deps.closingNoticeSeconds };
  const outcomes: ItemOutcome[] = [];
  let failedAt = records.length;
  for (const [index, record] of records.entries()) {
    try {
      const change = itemChangeOf(record, context.now);
      outcomes.push(change ? outcomeOf(change, context) : { events: [] });
    } catch (error) {
      logger.error('a stream record could not be turned into events', {
        sequenceNumber: record.dynamodb?.SequenceNumber,
        error: error as Error,
      });
      failedAt = index;
      break;
    }
  }
  const events: DomainEvent[] = [];
  const ownerOf: number[] = [];
  outcomes.forEach((outcome, index) => {
    for (const event of outcome.events) {
      events.push(event);
      ownerOf.push(index);
    }
  });
  try {
    await deps.bus.put(events);
  } catch (error) {
    const delivered = error instanceof DeliveryError ? error.delivered : 0;
    logger.error('events could not be delivered; the stream retries', { delivered, error: error as Error });
    return failureFrom(records[Math.min(ownerOf[delivered] ?? failedAt, failedAt)]);
  }
  for (const [index, outcome] of outcomes.entries()) {
    if (!outcome.timer) continue;
    try {
      await deps.timers.apply(outcome.timer);
    } catch (error) {
      logger.error('a window timer could not be set; the stream retries', { error: error as Error });
      return failureFrom(records[index]);
    }
  }
  if (failedAt < records.length) return failureFrom(records[failedAt]);
  logger.debug('stream batch published', { records: records.length, events: events.length });
  return { batchItemFailures: [] };
};

/** A window timer fired: its event, then the timer moved on (closing → closed). Throws so the scheduler retries. */
export const fireWindowTimer = async (timer: WindowTimer, deps: PublisherDeps): Promise<void> => {
  const { events, next } = windowTimerOutcome(timer, {
    now: deps.clock(),
    closingNoticeSeconds: deps.closingNoticeSeconds,
  });
  await deps.bus.put(events);
  if (next) await deps.timers.advance(timer, next);
};
