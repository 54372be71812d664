/**
 * `npm start`: the whole system on a laptop. AWS's DynamoDB Local holds the table, and the very
 * Lambda handlers serve the route list over HTTP as API Gateway would call them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConfig } from './local/check-config.ts';
import { mediaConsumer, startLocalMedia, type LocalMedia } from './local/media-worker.ts';
import { createSessionTable, startDynamoDbLocal, type DynamoDbLocal } from './local/dynamodb-local.ts';
import { startLocalServer } from './local/server.ts';
import { startSandbox, type Sandbox } from './local/sandbox/index.ts';
import { startLocalDailyReports, type LocalDailyReports } from './local/daily-report.ts';
import { RESTART_SETTINGS, SECRET_SETTINGS, startBanner, type SecretOrigin } from './local/start-banner.ts';

const log = (entry: Record<string, unknown>): void => {
  process.stdout.write(
    `${JSON.stringify({ level: 'INFO', service: 'local-stack', timestamp: new Date().toISOString(), ...entry })}\n`,
  );
};

/** `npm start -- --demo`: fixed, well-known values, the ones the README's walkthrough uses. */
/** `metadata.display_phone_number` of the sandbox's webhooks. */
const SANDBOX_DISPLAY_NUMBER = '15550000000';

const DEMO_VALUES: Readonly<Record<string, string>> = {
  API_TOKEN: 'dev-token',
  WHATSAPP_APP_SECRET: 'dev-secret',
  WHATSAPP_VERIFY_TOKEN: 'dev-verify-token',
  WHATSAPP_ACCESS_TOKEN: 'dev-access-token',
};

/**
 * Values the developer did not set are taken from --demo or generated for this run, and shown in the
 * start block, so the API can be tried at once. Answers where each secret came from.
 */
const withDefaults = (demo: boolean): Map<string, SecretOrigin> => {
  const origins = new Map<string, SecretOrigin>();
  const setDefault = (name: string, make: () => string) => {
    if (process.env[name]) {
      origins.set(name, 'set');
      return;
    }
    const demoValue = demo ? DEMO_VALUES[name] : undefined;
    process.env[name] = demoValue ?? make();
    origins.set(name, demoValue === undefined ? 'generated' : 'demo');
  };
  const secret = () => randomBytes(16).toString('hex');
  for (const name of SECRET_SETTINGS) setDefault(name, secret);
  process.env.WHATSAPP_PHONE_NUMBER_ID ||= '100000000000001';
  process.env.TABLE_NAME ||= 'whatsapp-session-engine';
  // No X-Ray daemon locally: tracing stays off unless asked for.
  process.env.POWERTOOLS_TRACE_ENABLED ||= 'false';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ||= 'true';
  return origins;
};

const main = async (): Promise<void> => {
  // A setting that cannot work stops the start with one line, before DynamoDB Local or a port.
  const problem = checkConfig(process.env);
  if (problem !== undefined) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  const given = { ...process.env };
  const demo = process.argv.slice(2).includes('--demo');
  const origins = withDefaults(demo);
  const port = Number(process.env.PORT ?? 3000);
  // Ctrl-C may come while DynamoDB Local is still starting; its watchdog then stops java when we exit.
  const running: { dynamoDb?: DynamoDbLocal; media?: LocalMedia; reports?: LocalDailyReports } = {};
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log({ message: 'stopping', signal });
    running.reports?.stop();
    await running.media?.stop();
    await running.dynamoDb?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const dynamoDb = await startDynamoDbLocal(
    process.env.DYNAMODB_DATA_DIR ? { dbPath: process.env.DYNAMODB_DATA_DIR } : {},
  );
  running.dynamoDb = dynamoDb;
  log({
    message: 'DynamoDB Local started',
    endpoint: dynamoDb.endpoint,
    pid: dynamoDb.pid,
    persistent: Boolean(process.env.DYNAMODB_DATA_DIR),
  });
  process.env.DYNAMODB_ENDPOINT = dynamoDb.endpoint;
  await createSessionTable(dynamoDb.endpoint, process.env.TABLE_NAME as string);
  // The data folder: media (s3rver, the S3 adapter's local twin), the sandbox's users and the daily
  // reports. Beside DynamoDB Local's data when that is kept, so one folder survives a restart whole.
  const dataDir =
    process.env.LOCAL_DATA_DIR || process.env.DYNAMODB_DATA_DIR || mkdtempSync(join(tmpdir(), 'whatsapp-engine-'));
  const media = await startLocalMedia({ dataDir });
  running.media = media;
  process.env.MEDIA_BUCKET = media.bucket;
  process.env.MEDIA_S3_ENDPOINT = media.s3Endpoint;
  log({ message: 'media storage started', folder: media.folder, endpoint: media.s3Endpoint });

  // Sends go to Meta when WHATSAPP_API_URL is set; otherwise to the built-in sandbox, which posts
  // its status webhooks back to our own /webhook. Set before the first handler is loaded.
  const useSandbox = !process.env.WHATSAPP_API_URL;
  const sandboxPort = Number(process.env.SANDBOX_PORT ?? port + 1);
  if (useSandbox) {
    process.env.WHATSAPP_API_URL = `http://127.0.0.1:${sandboxPort}`;
    // The cost report names the sandbox's business number as the sandbox's webhooks do.
    process.env.WHATSAPP_DISPLAY_NUMBERS ||= `${process.env.WHATSAPP_PHONE_NUMBER_ID}=+${SANDBOX_DISPLAY_NUMBER}`;
  }
  // GET /reports/cost?link=true answers links of this server to the data folder's stored reports,
  // signed with a key of this run, where on AWS it presigns S3 URLs.
  const reportFiles = { root: dataDir, secret: randomBytes(32).toString('hex') };
  const { url } = await startLocalServer({ port, host: process.env.HOST ?? '127.0.0.1', log, reportFiles });
  process.env.REPORT_FOLDER = dataDir;
  process.env.REPORT_LINK_URL = url;
  process.env.REPORT_LINK_SECRET = reportFiles.secret;
  let sandbox: Sandbox | undefined;
  if (useSandbox) {
    const { DynamoDbTemplateStore } = await import('../functions/commons/store/dynamodb-template-store.ts');
    const { documentClient } = await import('../functions/commons/clients/dynamodb.ts');
    const { activeRateCard } = await import('../functions/commons/pricing/active-rate-card.ts');
    const templates = new DynamoDbTemplateStore(documentClient, process.env.TABLE_NAME as string);
    sandbox = await startSandbox({
      displayPhoneNumber: SANDBOX_DISPLAY_NUMBER,
      port: sandboxPort,
      appSecret: process.env.WHATSAPP_APP_SECRET as string,
      accessToken: process.env.WHATSAPP_ACCESS_TOKEN as string,
      webhookUrl: `${url}/webhook`,
      templateCategory: async (name, language) => (await templates.readTemplate(name, language))?.category,
      // Meta's pricing follows the rate card in force, so the sandbox and the report tell one story.
      rateCard: activeRateCard(),
      stateFile: join(dataDir, 'sandbox-state.json'),
      log: (entry) => log({ service: 'whatsapp-sandbox', ...entry }),
    });
    log({ message: 'WhatsApp sandbox started', url: sandbox.url });
  }
  // One reader of the table's stream for all of its consumers, as three event source mappings on AWS:
  // events, media, and the big webhook POSTs answered once stored as batch chunks, applied from the stream.
  const { startEventDelivery } = await import('./local/events/start-events.ts');
  const { webhookBatchConsumer } = await import('./local/events/webhook-batches.ts');
  await startEventDelivery({
    endpoint: dynamoDb.endpoint,
    tableName: process.env.TABLE_NAME as string,
    ...(process.env.DYNAMODB_DATA_DIR ? { dataDir: process.env.DYNAMODB_DATA_DIR } : {}),
    consumers: [
      mediaConsumer(),
      await webhookBatchConsumer(process.env.TABLE_NAME as string, (entry) =>
        log({ service: 'webhook-batches', ...entry }),
      ),
    ],
    log: (entry) => log({ service: 'event-delivery', ...entry }),
  });
  running.reports = await startLocalDailyReports({
    folder: dataDir,
    tableName: process.env.TABLE_NAME as string,
    log: (entry) => log({ service: 'cost-report', ...entry }),
    atStart: Boolean(process.env.DYNAMODB_DATA_DIR),
  });
  const settings: Record<string, string | undefined> = {};
  for (const name of RESTART_SETTINGS) settings[name] = process.env[name];
  Object.assign(settings, {
    PORT: new URL(url).port,
    SANDBOX_PORT: sandbox ? String(sandbox.port) : given.SANDBOX_PORT,
    WHATSAPP_API_URL: given.WHATSAPP_API_URL,
    TABLE_NAME: given.TABLE_NAME,
    LOCAL_DATA_DIR: dataDir,
  });
  process.stdout.write(
    startBanner({
      apiUrl: url,
      ...(sandbox ? { sandboxUrl: sandbox.url } : { graphApiUrl: process.env.WHATSAPP_API_URL as string }),
      dynamoDbEndpoint: dynamoDb.endpoint,
      ...(process.env.DYNAMODB_DATA_DIR ? { dynamoDbFolder: process.env.DYNAMODB_DATA_DIR } : {}),
      dataFolder: dataDir,
      ...(running.reports.firstFile ? { dailyReportFile: running.reports.firstFile } : {}),
      ...(process.env.EVENTS_URL ? { eventsUrl: process.env.EVENTS_URL } : {}),
      today: new Date().toISOString().slice(0, 10),
      secrets: SECRET_SETTINGS.map((name) => ({
        name,
        value: process.env[name] as string,
        origin: origins.get(name) ?? 'set',
      })),
      settings,
      command: 'npm start',
    }),
  );
  log({
    message: 'listening',
    url,
    tableName: process.env.TABLE_NAME,
    events: process.env.EVENTS_URL ? 'EVENTS_URL' : 'stdout',
  });
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
