import { domainEvent } from './catalogue';
import { DeliveryError } from './bus';
import { HttpBus, MIN_RETRY_MS } from './http-bus';
import { startEventListener, type EventListener } from '#test/event-listener';

const event = (n: number) =>
  domainEvent('contact.linked', {
    eventId: `0ba23817-98a7-5fea-ab2f-7b1da952ec${String(n).padStart(2, '0')}`,
    occurredAt: '2026-12-01T09:00:00.000Z',
    recordedAt: '2026-12-01T09:00:00.000Z',
    phoneNumberId: '100000000000001',
    contact: { waId: '15551234567', userId: 'US.1' },
  });

describe('HttpBus', () => {
  let listener: EventListener;
  beforeAll(async () => {
    listener = await startEventListener();
  });
  afterAll(() => listener.close());

  /** A virtual clock that the backoff sleeps advance, so 5 minutes of retries take milliseconds. */
  const virtualTime = () => {
    let now = 0;
    const slept: number[] = [];
    return {
      now: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
      slept,
    };
  };

  it('retries non-2xx answers with growing backoff for at least 5 minutes, then reports what got through', async () => {
    const clock = virtualTime();
    const bus = new HttpBus({ url: listener.url, apiKey: 'k', retryForMs: 1000, ...clock });
    listener.failNext(...Array.from({ length: 500 }, () => 503));
    const error = await bus.put([event(1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).delivered).toBe(0);
    const total = clock.slept.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(MIN_RETRY_MS - 5000);
    expect(total).toBeLessThanOrEqual(MIN_RETRY_MS);
    expect(clock.slept.slice(0, 4)).toEqual([200, 400, 800, 1600]);
    expect(Math.max(...clock.slept)).toBe(5000);
    listener.answerOk();
  });

  it('delivers in order with x-api-key, after transient failures', async () => {
    const clock = virtualTime();
    listener.failNext(500, 502);
    const bus = new HttpBus({ url: listener.url, apiKey: 'secret-key', ...clock });
    listener.events.length = 0;
    await bus.put([event(2), event(3)]);
    expect(listener.events.map((e) => e.detail.eventId)).toEqual([event(2).detail.eventId, event(3).detail.eventId]);
    expect(listener.requests.slice(-4).map((r) => r.status)).toEqual([500, 502, 200, 200]);
    expect(listener.requests.at(-1)?.headers['x-api-key']).toBe('secret-key');
    expect(listener.events[0]).toMatchObject({
      version: '0',
      source: 'whatsapp.session-engine',
      'detail-type': 'contact.linked',
    });
  });
});
