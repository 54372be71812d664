import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createHandler } from '../functions/webhook/index.ts';
import { documentClient } from '#clients/dynamodb';
import { tableStores } from '#test/stores';
import { signBody, verifySignature } from '#webhook/signature';
import * as payloads from '../test/fixtures/payloads.ts';
import { BENCH, nowSeconds } from './env.ts';

/**
 * CPU time of refusing a hostile webhook (6 MB of non-ASCII bytes, a fake signature) against
 * accepting a valid 1 KB one (signature, parse, two writes), both through the real handler on the
 * bench's DynamoDB Local; and, for scale, what verifying the hostile body's signature alone costs
 * (what every forged body cost before the size limit).
 */
export interface WebhookRefusalResult {
  runs: number;
  hostileBytes: number;
  validBytes: number;
  /** median CPU ms per request */
  refusalCpuMs: number;
  validCpuMs: number;
  signatureOnlyCpuMs: number;
  /** refusal / valid: under 1 means a forged 6 MB body costs less than a real message */
  ratio: number;
}

const HOSTILE_BYTES = 6 * 1024 * 1024;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

const cpuMs = async (work: () => unknown): Promise<number> => {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

const event = (body: string, signature: string): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /webhook',
    rawPath: '/webhook',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    requestContext: { requestId: 'bench', http: { method: 'POST', path: '/webhook' } },
    body,
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

/** About 1 KB: one inbound text message of a distinct user, padded to size. */
const validBody = (index: number): string => {
  const now = nowSeconds();
  const text = 'x'.repeat(600);
  return JSON.stringify(
    payloads.webhookBody(
      payloads.messagesChange({
        phoneNumberId: BENCH.phoneNumberId,
        messages: [payloads.textMessage(text, { from: `1555${String(7_000_000 + index)}`, timestamp: now })],
      }),
    ),
  );
};

export const measureWebhookRefusal = async (runs = 15): Promise<WebhookRefusalResult> => {
  const handler = createHandler({
    stores: tableStores(documentClient, BENCH.tableName),
    clock: nowSeconds,
    secrets: async () => ({ appSecret: BENCH.appSecret }),
    retentionDays: 30,
  });
  const call = async (request: APIGatewayProxyEventV2, status: number) => {
    const result = (await handler(request, { awsRequestId: 'bench' } as Context)) as APIGatewayProxyStructuredResultV2;
    if (result.statusCode !== status) throw new Error(`webhook answered ${result.statusCode}, expected ${status}`);
  };
  const prefix = '{"object":"whatsapp_business_account","entry":"';
  const hostile = `${prefix}${'€'.repeat(Math.floor((HOSTILE_BYTES - prefix.length - 2) / 3))}"}`;
  const fake = `sha256=${'ab'.repeat(32)}`;
  const refusal: number[] = [];
  const valid: number[] = [];
  const signatureOnly: number[] = [];
  let validBytes = 0;
  // Warm up both paths once (module init, connections), then alternate.
  await call(event(hostile, fake), 413);
  const warm = validBody(runs);
  await call(event(warm, signBody(warm, BENCH.appSecret)), 200);
  for (let run = 0; run < runs; run++) {
    const body = validBody(run);
    validBytes = Buffer.byteLength(body);
    const signed = event(body, signBody(body, BENCH.appSecret));
    refusal.push(await cpuMs(() => call(event(hostile, fake), 413)));
    valid.push(await cpuMs(() => call(signed, 200)));
  }
  const hostileBuffer = Buffer.from(hostile);
  for (let run = 0; run < 3; run++) {
    signatureOnly.push(await cpuMs(() => verifySignature(hostileBuffer, fake, BENCH.appSecret)));
  }
  const refusalCpuMs = median(refusal);
  const validCpuMs = median(valid);
  return {
    runs,
    hostileBytes: Buffer.byteLength(hostile),
    validBytes,
    refusalCpuMs: Math.round(refusalCpuMs * 100) / 100,
    validCpuMs: Math.round(validCpuMs * 100) / 100,
    signatureOnlyCpuMs: Math.round(median(signatureOnly)),
    ratio: Math.round((refusalCpuMs / validCpuMs) * 100) / 100,
  };
};
