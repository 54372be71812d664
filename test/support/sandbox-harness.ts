import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '#webhook/signature';
import { PHONE_NUMBER_ID, USER_BSUID, USER_WA_ID as USER, type Json } from '../fixtures/payloads.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../bin/local/sandbox/index.ts';

/**
 * The sandbox over HTTP for its endpoint tests: a receiver in the engine's place that checks every
 * webhook's signature, a sandbox started per test with a clock the test moves, and the request helpers.
 * After each test: every webhook was validly signed, and no log line carried message text, a full
 * phone number or user id, or the token.
 */

/** Meta's example business number and user, as in the webhook payload fixtures. */
export { PHONE_NUMBER_ID, USER, USER_BSUID, type Json };

export const APP_SECRET = 'sandbox-app-secret';
export const ACCESS_TOKEN = 'sandbox-access-token-0123456789';
export const T0 = Date.parse('2026-06-01T10:00:00Z');
export const SECRET_TEXT = 'my secret order 4711';

export interface Received {
  raw: Buffer;
  signatureValid: boolean;
  body: Json;
}

/** The engine's /webhook stand-in: records every POST, checks its signature, can be told to fail. */
export const startReceiver = async () => {
  const received: Received[] = [];
  const failures: number[] = [];
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      attempts += 1;
      const status = failures.shift();
      if (status !== undefined) {
        res.writeHead(status).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const header = req.headers['x-hub-signature-256'];
      received.push({
        raw,
        signatureValid: verifySignature(raw, typeof header === 'string' ? header : undefined, APP_SECRET),
        body: JSON.parse(raw.toString('utf8')) as Json,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    attempts: () => attempts,
    failNext: (count: number, status = 500) => failures.push(...Array.from({ length: count }, () => status)),
    failAlways: () => failures.push(...Array.from({ length: 1000 }, () => 503)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

export const textTo = (to: string, text = SECRET_TEXT) => ({ to, type: 'text', text: { body: text } });

export const templateTo = (to: string, name: string, language = 'en_US') => ({
  to,
  type: 'template',
  template: { name, language: { code: language } },
});

/** The `value` of the only change of a received webhook. */
export const valueOf = (webhook: Received | undefined): Json => {
  const body = webhook?.body as { entry: Array<{ changes: Array<{ value: Json }> }> };
  const value = body.entry[0]?.changes[0]?.value;
  if (!value) throw new Error('no value');
  return value;
};

export const wamidOf = (json: Json): string => {
  const messages = json.messages as Array<{ id: string }>;
  return messages[0]?.id ?? '';
};

export interface SandboxHarness {
  receiver: Receiver;
  sandbox: Sandbox;
  /** the sandbox's clock, epoch milliseconds */
  nowMs: number;
  logs: Array<Record<string, unknown>>;
  /** the template lookups the sandbox made */
  categoryCalls: Array<[string, string]>;
  start(overrides?: Partial<SandboxOptions>): Promise<Sandbox>;
  request(
    method: string,
    path: string,
    body?: unknown,
    token?: string | null,
  ): Promise<{ status: number; headers: Headers; json: Json }>;
  send(body: Json, token?: string | null): Promise<{ status: number; headers: Headers; json: Json }>;
  userWrites(waId?: string, extra?: Json): Promise<{ status: number; headers: Headers; json: Json }>;
  statusesFor(wamid: string): Json[];
}

/** Registers the per-test receiver and checks; the sandbox itself starts with `start()`. */
export const useSandbox = (): SandboxHarness => {
  const templates: Record<string, string> = {
    'order_confirmation|en_US': 'UTILITY',
    'spring_sale|en_US': 'marketing',
    'login_code|en_US': 'authentication',
  };
  const base: Omit<SandboxHarness, 'receiver' | 'sandbox'> = {
    nowMs: T0,
    logs: [],
    categoryCalls: [],
    start: async (overrides: Partial<SandboxOptions> = {}) => {
      h.sandbox = await startSandbox({
        port: 0,
        appSecret: APP_SECRET,
        accessToken: ACCESS_TOKEN,
        webhookUrl: h.receiver.url,
        delaysMs: { sent: 0, delivered: 0, read: 0 },
        now: () => h.nowMs,
        log: (entry) => h.logs.push(entry),
        templateCategory: async (name, language) => {
          h.categoryCalls.push([name, language]);
          return templates[`${name}|${language}`];
        },
        webhookDelivery: { attempts: 3, retryDelayMs: 1 },
        ...overrides,
      });
      return h.sandbox;
    },
    request: async (method: string, path: string, body?: unknown, token: string | null = ACCESS_TOKEN) => {
      const response = await fetch(`${h.sandbox.url}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, json: (text ? JSON.parse(text) : {}) as Json };
    },
    send: (body: Json, token: string | null = ACCESS_TOKEN) =>
      h.request('POST', `/v24.0/${PHONE_NUMBER_ID}/messages`, { messaging_product: 'whatsapp', ...body }, token),
    userWrites: (waId = USER, extra: Json = {}) =>
      h.request('POST', `/sandbox/users/${waId}/messages`, {
        phoneNumberId: PHONE_NUMBER_ID,
        text: 'Hello?',
        ...extra,
      }),
    statusesFor: (wamid: string): Json[] =>
      h.receiver.received
        .flatMap((webhook) => (valueOf(webhook).statuses as Json[] | undefined) ?? [])
        .filter((status) => status.id === wamid),
  };
  const h = base as SandboxHarness;

  beforeEach(async () => {
    h.receiver = await startReceiver();
    h.nowMs = T0;
    h.logs = [];
    h.categoryCalls.length = 0;
  });

  afterEach(async () => {
    await h.sandbox.close();
    await h.receiver.close();
    // every webhook the sandbox posted carries a valid X-Hub-Signature-256
    expect(h.receiver.received.every((webhook) => webhook.signatureValid)).toBe(true);
    // logs never carry message text, full phone numbers or user ids, or the token
    const logText = JSON.stringify(h.logs);
    expect(logText).not.toContain(SECRET_TEXT);
    expect(logText).not.toContain(USER);
    expect(logText).not.toContain(USER_BSUID);
    expect(logText).not.toContain(ACCESS_TOKEN);
  });

  return h;
};
