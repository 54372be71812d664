import type { Server } from 'node:http';
import { freePort } from '../bin/local/dynamodb-local.ts';
import { startSandbox, type Sandbox } from '../bin/local/sandbox/index.ts';
import { importHandler, startLocalServer, type HandlerLoader } from '../bin/local/server.ts';
import { dynamoDbClient, documentClient } from '#clients/dynamodb';
import { DynamoDbContactStore } from '#store/dynamodb-contact-store';
import { DynamoDbMessageLedger } from '#store/dynamodb-message-ledger';
import { DynamoDbTemplateStore } from '#store/dynamodb-template-store';
import { signBody } from '#webhook/signature';
import { installCapacityMeter, type CapacityMeter } from './capacity.ts';
import { BENCH, withTimeout } from './env.ts';

/** Requests carrying this header have their DynamoDB work counted under its value. */
export const TAG_HEADER = 'x-bench-tag';

export interface BenchStack {
  url: string;
  sandbox: Sandbox;
  meter: CapacityMeter;
  /** the stores the bench seeds sent messages through, as the send route does */
  stores: { contacts: DynamoDbContactStore; messages: DynamoDbMessageLedger; templates: DynamoDbTemplateStore };
  /** signed POST /webhook; resolves with the status and the parsed answer */
  postWebhook(payload: unknown, tag?: string): Promise<{ status: number; body: unknown }>;
  /** POST /messages with the bench's API token */
  postMessage(
    body: unknown,
    tag?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * The local server with the real handlers (their module-scope client metered), and the sandbox as
 * Meta posting its status webhooks back to it. The environment must be set before this module is
 * imported (run.ts does it), because the handlers' client reads it at import.
 */
export const startBenchStack = async (): Promise<BenchStack> => {
  const meter = installCapacityMeter(dynamoDbClient);
  const sandboxPort = await freePort();
  process.env.WHATSAPP_API_URL = `http://127.0.0.1:${sandboxPort}`;
  const loadHandler: HandlerLoader = async (name) => {
    const handler = await importHandler(name);
    return (event, context) =>
      meter.run(event.headers[TAG_HEADER] ?? `${name} (untagged)`, () => handler(event, context));
  };
  const { server, url } = await startLocalServer({ port: 0, loadHandler });
  const stores = {
    contacts: new DynamoDbContactStore(documentClient, BENCH.tableName),
    messages: new DynamoDbMessageLedger(documentClient, BENCH.tableName),
    templates: new DynamoDbTemplateStore(documentClient, BENCH.tableName),
  };
  const sandbox = await startSandbox({
    port: sandboxPort,
    appSecret: BENCH.appSecret,
    accessToken: BENCH.accessToken,
    webhookUrl: `${url}/webhook`,
    templateCategory: async (name, language) => (await stores.templates.readTemplate(name, language))?.category,
    delaysMs: { sent: 0, delivered: 0, read: 0 },
    log: () => undefined,
  });

  const postWebhook = async (payload: unknown, tag?: string) => {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const response = await withTimeout(
      fetch(`${url}/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signBody(body, BENCH.appSecret),
          ...(tag ? { [TAG_HEADER]: tag } : {}),
        },
        body,
      }),
      30_000,
      'POST /webhook',
    );
    return { status: response.status, body: (await response.json()) as unknown };
  };

  const postMessage = async (body: unknown, tag?: string, headers: Record<string, string> = {}) => {
    const response = await withTimeout(
      fetch(`${url}/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${BENCH.apiToken}`,
          ...(tag ? { [TAG_HEADER]: tag } : {}),
          ...headers,
        },
        body: JSON.stringify(body),
      }),
      30_000,
      'POST /messages',
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const close = async () => {
    await sandbox.close();
    await closeServer(server);
  };
  return { url, sandbox, meter, stores, postWebhook, postMessage, close };
};

export const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
