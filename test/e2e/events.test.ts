import { request } from 'node:http';
import { startNpmStart, type NpmStart } from '#test/npm-start';
import * as payloads from '../fixtures/payloads.ts';
import { signBody } from '#webhook/signature';
import { expectValidEnvelopes } from '#test/event-schemas';
import { startEventListener, waitUntil, type EventListener, type ReceivedEvent } from '#test/event-listener';
import { uniquePhoneNumberId, uniqueWaId } from '#test/environment';

/**
 * Event delivery over HTTP on `npm start`: signed webhooks in, EventBridge envelopes out to
 * EVENTS_URL (a listener on 127.0.0.1), through DynamoDB Local's stream and the publish-events handler.
 */
const APP_SECRET = 'e2e-events-secret';
const EVENTS_API_KEY = 'e2e-events-key';

const post = (url: string, payload: unknown): Promise<number> =>
  new Promise((resolve, reject) => {
    const body = Buffer.from(JSON.stringify(payload));
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });

describe('npm start delivers events to EVENTS_URL', () => {
  let stack: NpmStart | undefined;
  let url: string;
  let listener: EventListener;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    listener = await startEventListener();
    stack = await startNpmStart({ WHATSAPP_APP_SECRET: APP_SECRET, EVENTS_URL: listener.url, EVENTS_API_KEY }, 40_000);
    url = stack.url;
  }, 60_000);

  afterAll(async () => {
    try {
      await stack?.stop();
    } finally {
      await listener.close();
    }
  });

  afterEach(() => expectValidEnvelopes(listener.events));

  const webhook = (payload: unknown) => post(`${url}/webhook`, payload);
  const of = (phoneNumberId: string, type: string): ReceivedEvent[] =>
    listener.events.filter((event) => event.detail.phoneNumberId === phoneNumberId && event['detail-type'] === type);
  const inbound = (phoneNumberId: string, waId: string, text: string, timestamp = now()) => {
    const message = payloads.textMessage(text, { from: waId, timestamp });
    return {
      message,
      body: payloads.webhookBody(
        payloads.messagesChange({ phoneNumberId, messages: [message], contacts: [payloads.contact({ waId })] }),
      ),
    };
  };

  it('a signed inbound message yields exactly one message.received within 5 s, and redeliveries none', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const { message, body } = inbound(phoneNumberId, waId, 'Where is my parcel?');
    const posted = Date.now();
    expect(await webhook(body)).toBe(200);
    expect(await waitUntil(() => of(phoneNumberId, 'message.received').length > 0, 5000)).toBe(true);
    expect(Date.now() - posted).toBeLessThan(5000);
    for (let i = 0; i < 5; i++) expect(await webhook(body)).toBe(200);
    const later = inbound(phoneNumberId, waId, 'Hello?', now() + 1);
    expect(await webhook(later.body)).toBe(200);
    expect(await waitUntil(() => of(phoneNumberId, 'message.received').length >= 2, 5000)).toBe(true);
    const received = of(phoneNumberId, 'message.received');
    expect(received.map((event) => event.detail.wamid)).toEqual([message.id, later.message.id]);
    expect(received[0]?.detail).toMatchObject({
      content: { text: { body: 'Where is my parcel?' } },
      contact: { waId },
    });
    expect(listener.requests.every((r) => r.headers['x-api-key'] === EVENTS_API_KEY)).toBe(true);
  });

  it('sent, delivered and read in any order yield message.status events that never move backwards', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const id = payloads.wamid();
    const t = now();
    const rank = { sent: 1, delivered: 2, read: 3 } as Record<string, number>;
    for (const [status, at] of [
      ['read', t + 2],
      ['sent', t],
      ['delivered', t + 1],
    ] as const) {
      const body = payloads.webhookBody(
        payloads.messagesChange({ phoneNumberId, statuses: [payloads.statusUpdate({ id, status, timestamp: at })] }),
      );
      expect(await webhook(body)).toBe(200);
    }
    const sentinel = inbound(phoneNumberId, uniqueWaId(), 'after the statuses');
    expect(await webhook(sentinel.body)).toBe(200);
    expect(await waitUntil(() => of(phoneNumberId, 'message.received').length === 1, 5000)).toBe(true);
    expect(await waitUntil(() => of(phoneNumberId, 'message.status').length >= 1, 5000)).toBe(true);
    const ranks = of(phoneNumberId, 'message.status').map((event) => rank[String(event.detail.status)] ?? 0);
    expect(ranks).toEqual([3]);
    expect(ranks.every((r, i) => i === 0 || r > (ranks[i - 1] ?? 0))).toBe(true);
  });

  it('a window opened 23 h 59 min 40 s ago yields window.closing at once and window.closed about 20 s later', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const opened = now() - (24 * 3600 - 20);
    const expiresAt = (opened + 24 * 3600) * 1000;
    const { body } = inbound(phoneNumberId, uniqueWaId(), 'almost a day ago', opened);
    expect(await webhook(body)).toBe(200);
    expect(await waitUntil(() => of(phoneNumberId, 'window.closing').length === 1, 5000)).toBe(true);
    expect(Date.now()).toBeLessThan(expiresAt);
    expect(of(phoneNumberId, 'window.closed')).toHaveLength(0);
    expect(await waitUntil(() => of(phoneNumberId, 'window.closed').length === 1, 30_000)).toBe(true);
    const closedAt = listener.requests.at(-1)?.receivedAt ?? 0;
    expect(closedAt).toBeGreaterThanOrEqual(expiresAt - 1000);
    expect(closedAt).toBeLessThan(expiresAt + 5000);
    expect(of(phoneNumberId, 'window.closed')[0]?.detail).toMatchObject({ reason: 'expired' });
  }, 45_000);

  it('a listener answering 500 twice then 200 still receives the event', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    listener.failNext(500, 500);
    expect(await webhook(inbound(phoneNumberId, uniqueWaId(), 'retried').body)).toBe(200);
    expect(await waitUntil(() => of(phoneNumberId, 'message.received').length === 1, 10_000)).toBe(true);
  });

  it('loses no event while the listener is down for 30 s', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    await listener.down();
    const wamids: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const { message, body } = inbound(phoneNumberId, waId, `while down ${i}`, now() + i);
      wamids.push(message.id);
      expect(await webhook(body)).toBe(200);
    }
    const downSince = Date.now();
    await waitUntil(() => Date.now() - downSince >= 30_000, 31_000, 500);
    await listener.up();
    expect(await waitUntil(() => of(phoneNumberId, 'message.received').length === 3, 15_000)).toBe(true);
    expect(of(phoneNumberId, 'message.received').map((event) => event.detail.wamid)).toEqual(wamids);
  }, 60_000);
});
