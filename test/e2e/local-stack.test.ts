import { ownConversationId } from '#domain/delivery';
import type { ChildProcess } from 'node:child_process';
import { waitUntil } from '#test/event-listener';
import { httpRequest as request, startNpmStart, type NpmStart } from '#test/npm-start';
import * as payloads from '../fixtures/payloads.ts';
import { signBody } from '#webhook/signature';

const APP_SECRET = 'e2e-app-secret';
const VERIFY_TOKEN = 'e2e-verify-token';
const PHONE_NUMBER_ID = '100000000000001';
const API_TOKEN = 'e2e-api-token';
const bearer = { authorization: `Bearer ${API_TOKEN}` };

/**
 * `npm start` as a person runs it: a child process that starts its own DynamoDB Local and serves
 * the routes; Ctrl-C (SIGINT to the whole process group, as a terminal sends it) must leave no java behind.
 */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Polls a condition at most `attempts` times; a bounded wait on a condition, not a sleep. */
const waitFor = (condition: () => boolean, attempts = 100): Promise<boolean> => waitUntil(condition, attempts * 50);

const httpRequest = async (
  url: string,
  options: { method?: string; headers?: Record<string, string | number>; body?: Buffer } = {},
): Promise<{ status: number; body: string }> => {
  const { status, bytes } = await request(url, options);
  return { status, body: bytes.toString() };
};

describe('npm start', () => {
  let stack: NpmStart;
  let child: ChildProcess;
  let url: string;
  let sandboxUrl: string;
  let javaPid: number;
  const exited = () => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  beforeAll(async () => {
    stack = await startNpmStart(
      {
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
        WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
        API_TOKEN,
      },
      30_000,
    );
    ({ child, url, sandboxUrl } = stack);
    javaPid = stack.line('DynamoDB Local started')?.pid ?? 0;
  });

  afterAll(() => {
    // Only when a test failed before Ctrl-C: never leave the stack running.
    if (stack?.running() && child.pid) process.kill(-child.pid, 'SIGKILL');
  });

  it('serves the session route from DynamoDB Local', async () => {
    expect(isAlive(javaPid)).toBe(true);
    const { status, body } = await httpRequest(`${url}/contacts/15551234567/session`, { headers: bearer });
    expect(status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({
      waId: '15551234567',
      window: { open: false, expiresAt: null },
      conversations: [],
    });
  });

  const postWebhook = (payload: unknown) => {
    const body = Buffer.from(JSON.stringify(payload));
    return httpRequest(`${url}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) },
      body,
    });
  };
  const session = async (userId: string) =>
    JSON.parse((await httpRequest(`${url}/contacts/${userId}/session`, { headers: bearer })).body) as {
      waId: string | null;
      userId: string | null;
      window: { open: boolean; expiresAt: string | null };
      conversations: { id: string; category: string; origin: string }[];
    };

  it("answers Meta's verification handshake with the challenge", async () => {
    const query = `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=8675309`;
    expect(await httpRequest(`${url}/webhook?${query}`)).toEqual({ status: 200, body: '8675309' });
    expect((await httpRequest(`${url}/webhook?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1`)).status).toBe(
      403,
    );
  });

  it('shows the window and the open conversations that posted webhooks made', async () => {
    const now = Math.floor(Date.now() / 1000);
    const waId = '5511987650001';
    const userId = 'BR.88112233445566';
    const inbound = payloads.webhookBody(
      payloads.messagesChange({
        phoneNumberId: PHONE_NUMBER_ID,
        contacts: [payloads.contact({ waId, userId, name: 'Ana' })],
        messages: [payloads.textMessage('Olá', { from: waId, fromUserId: userId, timestamp: now - 60 })],
      }),
    );
    expect((await postWebhook(inbound)).status).toBe(200);
    const wamid = payloads.wamid();
    const delivered = payloads.webhookBody(
      payloads.messagesChange({
        phoneNumberId: PHONE_NUMBER_ID,
        statuses: [
          payloads.statusUpdate({
            id: wamid,
            status: 'delivered',
            timestamp: now - 30,
            recipientId: waId,
            pricing: payloads.pricing('utility', 'regular'),
          }),
        ],
      }),
    );
    expect((await postWebhook(delivered)).status).toBe(200);

    for (const id of [waId, userId]) {
      const view = await session(id);
      expect(view).toMatchObject({
        waId,
        userId,
        window: { open: true, expiresAt: new Date((now - 60 + 86_400) * 1000).toISOString() },
      });
      expect(view.conversations).toEqual([
        expect.objectContaining({ id: ownConversationId(wamid), category: 'utility', origin: 'business_initiated' }),
      ]);
    }
  });

  it('refuses an unsigned webhook with 401', async () => {
    const response = await httpRequest(`${url}/webhook`, { method: 'POST', body: Buffer.from('{"entry":[]}') });
    expect(response.status).toBe(401);
  });

  it('answers a 1,000-update POST once stored as batch chunks, and applies every update from the stream', async () => {
    const now = Math.floor(Date.now() / 1000);
    const users = Array.from({ length: 100 }, (_, i) => `4915${String(100000000 + i)}`);
    const messages = Array.from({ length: 400 }, (_, i) =>
      payloads.textMessage(`m${i}`, { from: users[i % 100], timestamp: now - 600 + i }),
    );
    const wamids = Array.from({ length: 200 }, () => payloads.wamid());
    const statuses = wamids.flatMap((id, i) =>
      (['sent', 'delivered', 'read'] as const).map((status, k) =>
        payloads.statusUpdate({
          id,
          status,
          timestamp: now - 300 + k,
          recipientId: users[i % 100],
          pricing: payloads.pricing('marketing'),
        }),
      ),
    );
    const body = payloads.webhookBody([
      payloads.messagesChange({
        phoneNumberId: PHONE_NUMBER_ID,
        messages: messages.slice(0, 200),
        statuses: statuses.slice(0, 300),
      }),
      payloads.messagesChange({
        phoneNumberId: PHONE_NUMBER_ID,
        messages: messages.slice(200),
        statuses: statuses.slice(300),
      }),
    ]);
    const started = performance.now();
    const response = await postWebhook(body);
    const elapsed = performance.now() - started;
    expect(response.status).toBe(200);
    // Above WEBHOOK_DEFER_ABOVE_EVENTS (50): answered once stored, applied by apply-webhook-batch.
    expect(JSON.parse(response.body)).toEqual({ received: 1000, deferred: 1000, duplicates: 0, chunks: 4 });
    // A redelivery of the whole batch is recognised: all duplicates, nothing written again.
    expect(JSON.parse((await postWebhook(body)).body)).toMatchObject({ received: 1000, duplicates: 1000 });
    let view = await session(users[7] as string);
    for (let i = 0; i < 300 && view.conversations.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      view = await session(users[7] as string);
    }
    expect(view.window.open).toBe(true);
    expect(view.conversations).toHaveLength(1);
    process.stderr.write(`1,000-update webhook POST answered in ${Math.round(elapsed)} ms\n`);
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await httpRequest(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)) }),
    });
    return { status: response.status, body: JSON.parse(response.body) as Record<string, unknown> };
  };
  /** Waits on the sandbox until every status webhook it owes has been delivered. */
  const sandboxIdle = () => httpRequest(`${sandboxUrl}/sandbox/idle`);

  it('sends through the sandbox: a reply opens a service conversation, a template one of its category', async () => {
    const waId = '4915112345678';
    const wrote = await httpRequest(`${sandboxUrl}/sandbox/users/${waId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ phoneNumberId: PHONE_NUMBER_ID, text: 'Is my order ready?' })),
    });
    expect(wrote.status).toBe(200);
    await sandboxIdle();
    expect((await session(waId)).window.open).toBe(true);

    const reply = await api('POST', '/messages', { to: waId, type: 'text', text: { body: 'Yes, ready for pickup.' } });
    expect(reply).toMatchObject({ status: 200, body: { status: 'accepted', billing: { category: 'service' } } });
    await sandboxIdle();
    expect((await session(waId)).conversations).toEqual([expect.objectContaining({ category: 'service' })]);

    const stranger = '4915187654321';
    expect(await api('POST', '/messages', { to: stranger, type: 'text', text: { body: 'Hello?' } })).toMatchObject({
      status: 422,
      body: { error: { code: 'OUTSIDE_CUSTOMER_SERVICE_WINDOW' } },
    });
    expect(
      await api('PUT', '/templates/pickup_reminder/en_US', {
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Your order {{1}} is ready for pickup.' }],
      }),
    ).toMatchObject({ status: 200, body: { status: 'APPROVED', category: 'utility' } });
    const templated = await api('POST', '/messages', {
      to: stranger,
      type: 'template',
      template: {
        name: 'pickup_reminder',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-1042' }] }],
      },
    });
    expect(templated).toMatchObject({
      status: 200,
      body: { billing: { category: 'utility', opensConversation: true } },
    });
    await sandboxIdle();
    expect((await session(stranger)).conversations).toEqual([
      expect.objectContaining({ category: 'utility', origin: 'business_initiated' }),
    ]);
    const listed = await api('GET', '/templates');
    expect(listed.body.templates).toEqual([expect.objectContaining({ name: 'pickup_reminder', status: 'APPROVED' })]);
  });

  it('answers 401 to the token routes without the API token', async () => {
    expect((await httpRequest(`${url}/contacts/15551234567/session`)).status).toBe(401);
    expect((await httpRequest(`${url}/templates`)).status).toBe(401);
    expect((await httpRequest(`${url}/messages`, { method: 'POST', body: Buffer.from('{}') })).status).toBe(401);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const { status, body } = await httpRequest(`${url}/no/such/route`);
    expect(status).toBe(404);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers a body over 10 MB with 413 like API Gateway', async () => {
    const body = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    const response = await httpRequest(`${url}/contacts/15551234567/session`, {
      method: 'GET',
      headers: { 'content-length': body.length },
      body,
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('stops on Ctrl-C and leaves no java process behind', async () => {
    const exit = exited();
    process.kill(-(child.pid as number), 'SIGINT');
    await exit;
    expect(await waitFor(() => !isAlive(javaPid))).toBe(true);
  });
});
