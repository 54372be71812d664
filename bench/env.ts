import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { signBody } from '#webhook/signature';

/**
 * The settings the bench runs the handlers with. The handlers read the environment when they are
 * first imported, so `applyBenchEnv` runs before any of them is loaded (see run.ts).
 */
export const BENCH = {
  tableName: 'whatsapp-session-engine-bench',
  appSecret: 'bench-app-secret',
  apiToken: 'bench-api-token',
  accessToken: 'bench-access-token',
  /** the business number of the per-event and ingestion measurements */
  phoneNumberId: '109990000000001',
  /** a number of its own for the load test, so its aggregates are counted apart */
  loadPhoneNumberId: '109990000000002',
} as const;

export const benchEnv = (endpoint: string, sandboxUrl?: string): Record<string, string> => ({
  DYNAMODB_ENDPOINT: endpoint,
  TABLE_NAME: BENCH.tableName,
  AWS_REGION: 'local',
  WHATSAPP_APP_SECRET: BENCH.appSecret,
  WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
  WHATSAPP_ACCESS_TOKEN: BENCH.accessToken,
  API_TOKEN: BENCH.apiToken,
  WHATSAPP_PHONE_NUMBER_ID: BENCH.phoneNumberId,
  REPORT_BUCKET: 'bench-reports',
  // The sandbox plays Meta; the send handler reads the URL when it is imported.
  ...(sandboxUrl ? { WHATSAPP_API_URL: sandboxUrl } : {}),
  // Sends in the bench go to distinct users from one number: Meta's default 80/s is not what is measured.
  MESSAGES_PER_SECOND: '1000',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});

export const applyBenchEnv = (endpoint: string, sandboxUrl?: string): void => {
  Object.assign(process.env, benchEnv(endpoint, sandboxUrl));
};

/** Epoch seconds. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Rejects when `promise` is not settled within `ms`: every wait of the bench is bounded. */
export const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

/** POST /webhook as API Gateway hands it to the handler, signed with the bench's app secret. */
export const signedWebhookEvent = (payload: unknown, requestId = 'bench'): APIGatewayProxyEventV2 => {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return {
    version: '2.0',
    routeKey: 'POST /webhook',
    rawPath: '/webhook',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, BENCH.appSecret) },
    requestContext: { requestId, http: { method: 'POST', path: '/webhook' } },
    body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
};
