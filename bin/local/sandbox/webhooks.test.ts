import { SECRET_TEXT, templateTo, textTo, USER, useSandbox, wamidOf } from '#test/sandbox-harness';

const h = useSandbox();
const { start, request, send, userWrites, statusesFor } = h;

describe('sandbox webhook delivery', () => {
  it('idle() waits for statuses still scheduled behind their delays', async () => {
    await start({ delaysMs: { sent: 20, delivered: 20, read: 20 } });
    await userWrites();
    const answer = await send(textTo(USER));
    expect(statusesFor(wamidOf(answer.json))).toHaveLength(0);

    await h.sandbox.idle();
    expect(statusesFor(wamidOf(answer.json)).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    const overHttp = await request('GET', '/sandbox/idle');
    expect(overHttp).toMatchObject({ status: 200, json: { idle: true } });
  });

  it('retries a failing webhook endpoint and keeps the order of statuses', async () => {
    await start();
    await userWrites();
    await h.sandbox.idle();
    h.receiver.failNext(2, 500);
    const answer = await send(textTo(USER));
    await h.sandbox.idle();
    expect(h.receiver.attempts()).toBe(1 + 2 + 3);
    expect(statusesFor(wamidOf(answer.json)).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(h.sandbox.sent()[0]?.statuses.every((status) => status.delivered)).toBe(true);
  });

  it('drops a webhook after the bounded attempts with a log line and goes on', async () => {
    await start();
    h.receiver.failAlways();
    await userWrites(USER, { text: SECRET_TEXT });
    await h.sandbox.idle();
    expect(h.receiver.attempts()).toBe(3);
    const dropped = h.logs.filter((entry) => entry.message === 'sandbox webhook dropped');
    expect(dropped).toEqual([
      expect.objectContaining({
        level: 'WARN',
        component: 'whatsapp-sandbox',
        kind: 'message',
        attempts: 3,
        problem: 'HTTP 503',
        user: '*******1234',
      }),
    ]);

    const answer = await send(templateTo(USER, 'spring_sale'));
    await h.sandbox.idle();
    expect(h.receiver.attempts()).toBe(3 + 9);
    expect(h.sandbox.sent()[0]?.statuses.map((s) => [s.status, s.delivered])).toEqual([
      ['sent', false],
      ['delivered', false],
      ['read', false],
    ]);
    expect(
      h.logs.filter((entry) => entry.message === 'sandbox webhook dropped' && entry.wamid === wamidOf(answer.json)),
    ).toHaveLength(3);
  });

  it('gives up on an unreachable endpoint and close() cancels what is scheduled', async () => {
    await start({ webhookUrl: 'http://127.0.0.1:1/webhook', delaysMs: { sent: 60_000, delivered: 0, read: 0 } });
    await userWrites();
    await h.sandbox.idle();
    expect(h.logs.some((entry) => entry.message === 'sandbox webhook dropped' && entry.kind === 'message')).toBe(true);

    await send(templateTo(USER, 'spring_sale'));
    const started = Date.now();
    await h.sandbox.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(h.sandbox.sent()[0]?.statuses).toEqual([]);
  });
});
