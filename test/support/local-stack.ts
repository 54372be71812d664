import type { Server } from 'node:http';
import { startLocalServer, type LambdaHandler } from '../../bin/local/server.ts';
import { createHandler as createWebhookHandler } from '../../functions/webhook/index.ts';
import { createHandler as createSendHandler } from '../../functions/send-message/index.ts';
import { createHandler as createSessionHandler } from '../../functions/get-session/index.ts';
import { createHandler as createReportHandler } from '../../functions/get-cost-report/index.ts';
import { createHandler as createTemplateHandler } from '../../functions/put-template/index.ts';
import { createHandler as createHistoryHandler } from '../../functions/get-contact-messages/index.ts';
import { DynamoDbMessageHistory } from '#store/message-history';
import { pairRateLimit } from '#domain/pacing';
import type { EpochSeconds } from '#domain/time';
import { activeRateCard } from '#pricing/active-rate-card';
import { signBody } from '#webhook/signature';
import { TEST_TABLE_NAME, testDocumentClient } from './environment.ts';
import { startScriptedGraph, type ScriptedGraph } from './scripted-graph.ts';
import { sendHandlerDeps, testGraphClient } from './send-route.ts';
import { tableStores } from './stores.ts';

/**
 * The engine's routes over HTTP on 127.0.0.1, the real handlers on the test run's DynamoDB Local,
 * one clock for all of them that the test moves, and a Graph stand-in (scripted-graph.ts) whose
 * send answers each run chooses (the wamid, the wa_id Meta answers with). The test plays Meta's
 * webhooks itself, signed, so each run chooses their ids, timing, pricing and conversations, and
 * their order and batching.
 */

export const STACK_APP_SECRET = 'counted-once-app-secret';
export const STACK_API_TOKEN = 'counted-once-api-token';
const ACCESS_TOKEN = 'counted-once-access-token';

export type Json = Record<string, unknown>;

export interface LocalStack {
  url: string;
  graph: ScriptedGraph;
  /** the clock of every route, epoch seconds; set it before each request */
  now: EpochSeconds;
  postWebhook(body: Json): Promise<{ status: number; body: Json }>;
  send(body: Json, answer: { wamid: string; waId?: string }): Promise<{ status: number; body: Json }>;
  registerTemplate(name: string, category: string): Promise<void>;
  session(phoneNumberId: string, userId: string): Promise<Json>;
  /** GET /contacts/{userId}/messages, first page */
  history(phoneNumberId: string, userId: string): Promise<Json>;
  report(from: string, to: string): Promise<Json>;
  close(): Promise<void>;
}

const request = async (
  url: string,
  method: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json }> => {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
};

export const startLocalStack = async (start: EpochSeconds): Promise<LocalStack> => {
  const graph = await startScriptedGraph();
  const stores = tableStores(testDocumentClient());
  const state = { now: start };
  const clock = () => state.now;
  const apiSecrets = async () => ({ apiTokens: [STACK_API_TOKEN] });
  const handlers: Record<string, LambdaHandler> = {
    webhook: createWebhookHandler({
      stores,
      clock,
      secrets: async () => ({ appSecret: STACK_APP_SECRET }),
      retentionDays: 30,
    }) as LambdaHandler,
    'send-message': createSendHandler(
      sendHandlerDeps(
        {
          stores,
          graph: testGraphClient(graph.url, ACCESS_TOKEN),
          accessToken: ACCESS_TOKEN,
          apiToken: STACK_API_TOKEN,
        },
        { clock, pacing: { messagesPerSecond: 10_000, pair: pairRateLimit(1, 10_000) } },
      ),
    ) as LambdaHandler,
    'get-session': createSessionHandler({
      store: stores.contacts,
      clock,
      defaultPhoneNumberId: () => undefined,
      secrets: apiSecrets,
    }) as LambdaHandler,
    'get-cost-report': createReportHandler({
      store: stores.reports,
      rateCard: activeRateCard(),
      secrets: apiSecrets,
      clock,
    }) as LambdaHandler,
    'get-contact-messages': createHistoryHandler({
      history: new DynamoDbMessageHistory(testDocumentClient(), TEST_TABLE_NAME),
      clock,
      secrets: apiSecrets,
      defaultPhoneNumberId: () => undefined,
    }) as LambdaHandler,
    'put-template': createTemplateHandler({ store: stores.templates, clock, secrets: apiSecrets }) as LambdaHandler,
  };
  const local: { server: Server; url: string } = await startLocalServer({
    port: 0,
    loadHandler: async (name) => {
      const handler = handlers[name];
      if (!handler) throw new Error(`route ${name} is not part of this stack`);
      return handler;
    },
  });
  const bearer = { authorization: `Bearer ${STACK_API_TOKEN}` };
  /** GET `path` with the API token; anything but a 200 fails the test, naming what was read. */
  const read = async (path: string, what: string) => {
    const answer = await request(`${local.url}${path}`, 'GET', undefined, bearer);
    if (answer.status !== 200) throw new Error(`GET ${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return {
    url: local.url,
    graph,
    get now() {
      return state.now;
    },
    set now(value: EpochSeconds) {
      state.now = value;
    },
    postWebhook: (body) => {
      const raw = JSON.stringify(body);
      return request(`${local.url}/webhook`, 'POST', raw, { 'x-hub-signature-256': signBody(raw, STACK_APP_SECRET) });
    },
    send: async (body, answer) => {
      graph.clear();
      graph.script({
        status: 200,
        body: {
          messaging_product: 'whatsapp',
          contacts: [{ input: String(body.to), wa_id: answer.waId ?? String(body.to).replace(/^\+/, '') }],
          messages: [{ id: answer.wamid }],
        },
      });
      const sent = await request(`${local.url}/messages`, 'POST', JSON.stringify(body), bearer);
      graph.clear();
      return sent;
    },
    registerTemplate: async (name, category) => {
      const answer = await request(
        `${local.url}/templates/${name}/en_US`,
        'PUT',
        JSON.stringify({ category, components: [{ type: 'BODY', text: 'Hello from the shop.' }] }),
        bearer,
      );
      if (answer.status !== 200) throw new Error(`PUT /templates answered ${answer.status}`);
    },
    session: (phoneNumberId, userId) => read(`/contacts/${userId}/session?phoneNumberId=${phoneNumberId}`, 'session'),
    history: (phoneNumberId, userId) => read(`/contacts/${userId}/messages?phoneNumberId=${phoneNumberId}`, 'messages'),
    report: (from, to) => read(`/reports/cost?from=${from}&to=${to}`, 'report'),
    close: async () => {
      local.server.closeAllConnections();
      await new Promise<void>((resolve) => local.server.close(() => resolve()));
      await graph.close();
    },
  };
};
