import { EVENT_SOURCE, type DomainEvent } from './catalogue';

/**
 * Where events go: EventBridge on AWS; locally an HTTPS (or HTTP) endpoint, or standard output.
 * `put` delivers in order; when it cannot, it throws a DeliveryError saying how many of the
 * leading events did get through, so the publisher retries from the first that did not.
 */
export interface EventBus {
  put(events: DomainEvent[]): Promise<void>;
}

export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    /** how many events from the start of the list were delivered */
    readonly delivered: number,
    message: string,
  ) {
    super(message);
  }
}

/** EventBridge's event envelope, as a rule target or API destination receives it. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': DomainEvent['detailType'];
  source: typeof EVENT_SOURCE;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: DomainEvent['detail'];
}

/** Locally the envelope's `id` is the event id; on AWS EventBridge assigns its own and `detail.eventId` stays ours. */
export const envelopeOf = (event: DomainEvent, account = 'local', region = 'local'): EventEnvelope => ({
  version: '0',
  id: event.detail.eventId,
  'detail-type': event.detailType,
  source: EVENT_SOURCE,
  account,
  time: event.detail.occurredAt.replace(/\.\d{3}Z$/, 'Z'),
  region,
  resources: [],
  detail: event.detail,
});

/** Without EVENTS_URL the local stack prints each event as one JSON line. */
export class JsonLinesBus implements EventBus {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(line)) {}

  async put(events: DomainEvent[]): Promise<void> {
    for (const event of events) this.write(`${JSON.stringify(envelopeOf(event))}\n`);
  }
}
