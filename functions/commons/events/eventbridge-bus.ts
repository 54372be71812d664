import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, type DomainEvent } from './catalogue';
import { DeliveryError, type EventBus } from './bus';

/** PutEvents takes at most 10 entries a call. */
export const PUT_EVENTS_BATCH = 10;
const ATTEMPTS = 3;

/** The custom bus on AWS: events in calls of up to 10 entries; entries EventBridge refuses are retried, then fail. */
export class EventBridgeBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async put(events: DomainEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += PUT_EVENTS_BATCH) {
      await this.putBatch(events.slice(start, start + PUT_EVENTS_BATCH), start);
    }
  }

  private async putBatch(batch: DomainEvent[], offset: number): Promise<void> {
    let pending = batch.map((event, index) => ({ index, entry: this.entryOf(event) }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      const { Entries = [] } = await this.client
        .send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }))
        .catch((error: Error) => {
          throw new DeliveryError(offset + (pending[0]?.index ?? 0), error.message);
        });
      pending = pending.filter((_, i) => Entries[i]?.ErrorCode !== undefined || Entries[i]?.EventId === undefined);
      if (pending.length === 0) return;
      if (attempt >= ATTEMPTS) {
        throw new DeliveryError(offset + (pending[0]?.index ?? 0), `EventBridge refused ${pending.length} event(s)`);
      }
      await this.sleep(100 * 2 ** attempt);
    }
  }

  private entryOf(event: DomainEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.busName,
      Source: EVENT_SOURCE,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      Time: new Date(event.detail.occurredAt),
    };
  }
}
