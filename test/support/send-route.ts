import type { Server } from 'node:http';
import { startLocalServer } from '../../bin/local/server.ts';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox/index.ts';
import { createHandler, type SendHandlerDeps } from '../../functions/send-message/index.ts';
import { documentClient } from '#clients/dynamodb';
import { countryOf } from '#domain/country';
import { pairRateLimit } from '#domain/pacing';
import { createGraphClient } from '#graph/graph-client';
import { estimateSendCost } from '#send/estimate-cost';
import { tableStores } from './stores.ts';
import { apiEvent, invoke } from './api-event.ts';
import { TEST_TABLE_NAME } from './environment.ts';

/**
 * POST /messages against DynamoDB Local with the built-in sandbox playing Meta, whose status
 * webhooks reach the real webhook handler through the local server: the send route's whole loop.
 */
export type Json = Record<string, unknown>;

const APP_SECRET = 'send-route-app-secret';
export const ACCESS_TOKEN = 'send-route-access-token';
export const API_TOKEN = 'send-route-api-token';

export interface SendRoute {
  sandbox: Sandbox;
  stores: ReturnType<typeof tableStores>;
  /** the send handler, with the deps a test overrides (its clock, pacing) */
  handler(overrides?: Partial<SendHandlerDeps>): ReturnType<typeof createHandler>;
  /** POST /messages with `body` (sent as it is when a string), with the API token unless other headers are given */
  post(
    handler: ReturnType<typeof createHandler>,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Json; body: Json }>;
  /** a user writes to the business through the sandbox; the wamid of the message, once the engine has it */
  userWrites(phoneNumberId: string, waId: string): Promise<string>;
  close(): Promise<void>;
}

/** A Graph client on `baseUrl` (the sandbox or another stand-in for Meta) that retries without waiting. */
export const testGraphClient = (baseUrl: string, accessToken: string, apiVersion = 'v24.0') =>
  createGraphClient({ baseUrl, apiVersion, accessToken: async () => accessToken, sleep: async () => undefined });

/**
 * The send handler's deps as the tests wire them: the given stores, Graph client and tokens, the wall
 * clock, the route's default pacing (80 messages/s, a pair every 6 s after a burst of 45); `overrides` for the rest.
 */
export const sendHandlerDeps = (
  wiring: Pick<SendHandlerDeps, 'stores' | 'graph'> & { accessToken: string; apiToken: string },
  overrides: Partial<SendHandlerDeps> = {},
): SendHandlerDeps => ({
  stores: wiring.stores,
  graph: wiring.graph,
  clock: () => Math.floor(Date.now() / 1000),
  pacing: { messagesPerSecond: 80, pair: pairRateLimit(6, 45) },
  retentionDays: 30,
  estimate: estimateSendCost,
  countryOf,
  secrets: async () => ({ accessToken: wiring.accessToken, apiTokens: [wiring.apiToken] }),
  defaultPhoneNumberId: () => undefined,
  idempotency: { tableName: TEST_TABLE_NAME },
  ...overrides,
});

/** `statusDelayMs`: how long the sandbox waits before each status webhook (0: at once; far out: never, close() cancels). */
export const startSendRoute = async (options: { statusDelayMs?: number } = {}): Promise<SendRoute> => {
  process.env.WHATSAPP_APP_SECRET = APP_SECRET;
  const stores = tableStores(documentClient);
  const local = await startLocalServer({ port: 0 });
  const server: Server = local.server;
  const sandbox = await startSandbox({
    port: 0,
    appSecret: APP_SECRET,
    accessToken: ACCESS_TOKEN,
    webhookUrl: `${local.url}/webhook`,
    templateCategory: async (name, language) => (await stores.templates.readTemplate(name, language))?.category,
    delaysMs: {
      sent: options.statusDelayMs ?? 0,
      delivered: options.statusDelayMs ?? 0,
      read: options.statusDelayMs ?? 0,
    },
  });
  const graph = testGraphClient(sandbox.url, ACCESS_TOKEN, 'v23.0');
  const handler = (overrides: Partial<SendHandlerDeps> = {}) =>
    createHandler(sendHandlerDeps({ stores, graph, accessToken: ACCESS_TOKEN, apiToken: API_TOKEN }, overrides));
  const post: SendRoute['post'] = (send, body, headers = { authorization: `Bearer ${API_TOKEN}` }) =>
    invoke(send, apiEvent('POST /messages', { path: '/messages', headers, body }), { functionName: 'send-message' });
  const userWrites = async (phoneNumberId: string, waId: string): Promise<string> => {
    const response = await fetch(`${sandbox.url}/sandbox/users/${waId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumberId, text: 'Hello' }),
    });
    const answer = (await response.json()) as { id: string; delivered: boolean };
    // Answered once the engine stored the webhook (or gave up): the window is open when it says delivered.
    if (response.status !== 200 || !answer.delivered) throw new Error(`the user's message did not reach the engine`);
    return answer.id;
  };
  return {
    sandbox,
    stores,
    handler,
    post,
    userWrites,
    close: async () => {
      await sandbox.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/**
 * One send route for the whole test file: started before its first test, closed after its last. The
 * value stands for the route from then on (tests isolate their data by their own business number).
 */
export const sendRouteForFile = (options: { statusDelayMs?: number } = {}): SendRoute => {
  let route: SendRoute | undefined;
  beforeAll(async () => {
    route = await startSendRoute(options);
  });
  afterAll(() => route?.close());
  return new Proxy({} as SendRoute, {
    get: (_, property) => {
      if (!route) throw new Error('the send route starts in beforeAll: use it inside a test or a hook');
      return Reflect.get(route, property) as unknown;
    },
  });
};
