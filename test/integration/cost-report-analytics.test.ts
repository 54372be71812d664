import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { createSessionTable } from '../../bin/local/dynamodb-local.ts';
import { startLocalServer, type LambdaHandler } from '../../bin/local/server.ts';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox/index.ts';
import * as payloads from '../fixtures/payloads.ts';
import { createHandler as createReportHandler } from '../../functions/cost-report/index.ts';
import { createHandler as createSendHandler } from '../../functions/send-message/index.ts';
import { createHandler as createWebhookHandler } from '../../functions/webhook/index.ts';
import { documentClient } from '#clients/dynamodb';
import { countryOf } from '#domain/country';
import { pairRateLimit } from '#domain/pacing';
import { createGraphClient } from '#graph/graph-client';
import { createPricingAnalyticsClient } from '#graph/pricing-analytics';
import type { CostReport } from '#pricing/cost-report';
import { shippedRateCard } from '#pricing/rate-card';
import { FileReportSink } from '#report/file-report-sink';
import { estimateSendCost } from '#send/estimate-cost';
import { DynamoDbReportStore } from '#store/dynamodb-report-store';
import { tableStores } from '../support/stores.ts';
import { signBody } from '#webhook/signature';

/**
 * The daily report compared with Meta's pricing_analytics, which the sandbox answers from what it
 * delivered. Its own table, so that other tests' traffic of the same day cannot show up as differences.
 */
const TABLE = `analytics-${Date.now()}`;
const APP_SECRET = 'analytics-app-secret';
const ACCESS_TOKEN = 'analytics-access-token';
const API_TOKEN = 'analytics-api-token';
const WABA_ID = '100000000000000';
const PHONE_NUMBER_ID = '106540352242922';
const secrets = async () => ({
  appSecret: APP_SECRET,
  verifyToken: 'v',
  accessToken: ACCESS_TOKEN,
  apiTokens: [API_TOKEN],
});

let server: Server;
let sandbox: Sandbox;
const reports = mkdtempSync(join(tmpdir(), 'analytics-'));
const stores = tableStores(documentClient, TABLE);
const clock = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  await createSessionTable(process.env.DYNAMODB_ENDPOINT as string, TABLE, { timeToLive: false });
  const webhook = createWebhookHandler({ stores, clock, secrets, retentionDays: 30 });
  const local = await startLocalServer({
    port: 0,
    routes: [
      {
        method: 'POST',
        path: '/webhook',
        handler: 'webhook',
        auth: 'webhookSignature',
        tableActions: [],
        secrets: ['appSecret'],
      },
    ],
    loadHandler: async () => webhook as unknown as LambdaHandler,
  });
  server = local.server;
  sandbox = await startSandbox({
    port: 0,
    appSecret: APP_SECRET,
    accessToken: ACCESS_TOKEN,
    webhookUrl: `${local.url}/webhook`,
    wabaId: WABA_ID,
    templateCategory: async (name, language) => (await stores.templates.readTemplate(name, language))?.category,
    delaysMs: { sent: 0, delivered: 0, read: 0 },
  });
});

afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(reports, { recursive: true, force: true });
});

it("names exactly the message Meta's pricing_analytics counts differently from our aggregates", async () => {
  const send = createSendHandler({
    stores,
    graph: createGraphClient({ baseUrl: sandbox.url, apiVersion: 'v24.0', accessToken: async () => ACCESS_TOKEN }),
    clock,
    pacing: { messagesPerSecond: 80, pair: pairRateLimit(6, 45) },
    retentionDays: 30,
    estimate: estimateSendCost,
    countryOf,
    secrets,
    defaultPhoneNumberId: () => PHONE_NUMBER_ID,
    idempotency: { tableName: TABLE },
  });
  await stores.templates.registerTemplate(
    {
      name: 'order_ready',
      language: 'en_US',
      category: 'utility',
      status: 'APPROVED',
      components: [{ type: 'BODY', text: 'Ready: {{1}}' }],
    },
    clock(),
  );
  for (const to of ['5511987650200', '4915112300200']) {
    const event = {
      headers: { authorization: `Bearer ${API_TOKEN}` },
      requestContext: { requestId: to, http: { method: 'POST', path: '/messages' } },
      body: JSON.stringify({
        to,
        type: 'template',
        template: {
          name: 'order_ready',
          language: { code: 'en_US' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-1' }] }],
        },
      }),
      isBase64Encoded: false,
    };
    const result = (await send(
      event as never,
      { awsRequestId: to, getRemainingTimeInMillis: () => 30_000 } as unknown as Context,
    )) as {
      statusCode: number;
    };
    expect(result.statusCode).toBe(200);
  }
  await sandbox.idle();

  // A delivery Meta never made (another tool's message, as we heard it): Meta's analytics will not count it.
  const stray = payloads.webhookBody(
    payloads.messagesChange({
      phoneNumberId: PHONE_NUMBER_ID,
      statuses: [
        payloads.statusUpdate({
          id: payloads.wamid(),
          status: 'delivered',
          timestamp: clock(),
          recipientId: '919876500200',
          pricing: payloads.pricing('marketing'),
        }),
      ],
    }),
  );
  const body = JSON.stringify(stray);
  const posted = await fetch(
    `${sandbox.url.replace(/:\d+$/, `:${(server.address() as { port: number }).port}`)}/webhook`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) },
      body,
    },
  );
  expect(posted.status).toBe(200);

  const analytics = createPricingAnalyticsClient({
    baseUrl: sandbox.url,
    apiVersion: 'v24.0',
    accessToken: async () => ACCESS_TOKEN,
  });
  const report = createReportHandler({
    store: new DynamoDbReportStore(documentClient, TABLE),
    rateCard: shippedRateCard(),
    sink: new FileReportSink(reports),
    clock,
    publishCost: () => undefined,
    metaAnalytics: async (range) => {
      const result = await analytics.fetchPricingAnalytics({ wabaId: WABA_ID, ...range });
      return result.ok ? result.points : undefined;
    },
  });
  const tomorrow = new Date((clock() + 86_400) * 1000).toISOString().slice(0, 10);
  const result = await report({ time: `${tomorrow}T01:00:00Z` }, { awsRequestId: 'r' } as Context);
  const daily = JSON.parse(readFileSync(join(reports, result.files[0] as string), 'utf8')) as CostReport;
  expect(daily.rows.reduce((units, row) => units + row.billableUnits + row.freeUnits, 0)).toBe(3);
  expect(daily.reconciliation?.metaAnalytics).toEqual([
    expect.objectContaining({
      day: daily.from,
      country: 'IN',
      category: 'marketing',
      volumeDifference: -1,
      metaVolume: 0,
      ourVolume: 1,
    }),
  ]);
});
