import { logger } from '#commons/logger';
import type { DomainEvent } from './catalogue';
import { DeliveryError, envelopeOf, type EventBus } from './bus';

export interface HttpBusOptions {
  url: string;
  apiKey?: string;
  /** how long one event is retried before the batch fails (and is retried from the stream); at least 5 minutes */
  retryForMs?: number;
  /** first backoff, doubled up to maxBackoffMs */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export const MIN_RETRY_MS = 5 * 60 * 1000;

/**
 * The local stack's bus: POSTs each event, as EventBridge's envelope, to EVENTS_URL with
 * `x-api-key`, one at a time and in order. A non-2xx answer or a connection failure is retried
 * with backoff for at least 5 minutes, as an API destination would.
 */
export class HttpBus implements EventBus {
  private readonly retryForMs: number;

  constructor(private readonly options: HttpBusOptions) {
    this.retryForMs = Math.max(options.retryForMs ?? MIN_RETRY_MS, MIN_RETRY_MS);
  }

  async put(events: DomainEvent[]): Promise<void> {
    for (const [index, event] of events.entries()) {
      try {
        await this.deliver(event);
      } catch (error) {
        throw new DeliveryError(index, (error as Error).message);
      }
    }
  }

  private async deliver(event: DomainEvent): Promise<void> {
    const send = this.options.fetch ?? fetch;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
    const now = this.options.now ?? Date.now;
    const body = JSON.stringify(envelopeOf(event));
    const giveUpAt = now() + this.retryForMs;
    let backoff = this.options.firstBackoffMs ?? 200;
    for (let attempt = 1; ; attempt++) {
      let failure: string;
      try {
        const response = await send(this.options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.options.apiKey ? { 'x-api-key': this.options.apiKey } : {}),
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        failure = `the events endpoint answered ${response.status}`;
      } catch (error) {
        failure = `the events endpoint could not be reached: ${(error as Error).message}`;
      }
      if (now() + backoff > giveUpAt) throw new Error(`${failure}; gave up after ${attempt} attempts`);
      logger.warn('event delivery retried', { detailType: event.detailType, attempt, failure, backoffMs: backoff });
      await sleep(backoff);
      backoff = Math.min(backoff * 2, this.options.maxBackoffMs ?? 5000);
    }
  }
}
