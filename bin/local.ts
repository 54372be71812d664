/**
 * `npm start`: the whole system on a laptop. AWS's DynamoDB Local holds the table, and the very
 * Lambda handlers serve the route list over HTTP as API Gateway would call them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConfig } from './local/check-config.ts';
import { startLocalMedia, type LocalMedia } from './local/media-worker.ts';
import { createSessionTable, startDynamoDbLocal, type DynamoDbLocal } from './local/dynamodb-local.ts';
import { startLocalServer } from './local/server.ts';
import { startSandbox, type Sandbox } from './local/sandbox/index.ts';

const log = (entry: Record<string, unknown>): void => {
  process.stdout.write(
    `${JSON.stringify({ level: 'INFO', service: 'local-stack', timestamp: new Date().toISOString(), ...entry })}\n`,
  );
};

/** Values the developer did not set are generated for this run and shown once, so the API can be tried at once. */
const withDefaults = (): Record<string, string> => {
  const generated: Record<string, string> = {};
  const setDefault = (name: string, make: () => string) => {
    if (process.env[name]) return;
    process.env[name] = make();
    generated[name] = process.env[name];
  };
  const secret = () => randomBytes(16).toString('hex');
  setDefault('WHATSAPP_APP_SECRET', secret);
  setDefault('WHATSAPP_VERIFY_TOKEN', secret);
  setDefault('API_TOKEN', secret);
  setDefault('WHATSAPP_ACCESS_TOKEN', secret);
  setDefault('WHATSAPP_PHONE_NUMBER_ID', () => '100000000000001');
  process.env.TABLE_NAME ||= 'whatsapp-session-engine';
  // No X-Ray daemon locally: tracing stays off unless asked for.
  process.env.POWERTOOLS_TRACE_ENABLED ||= 'false';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ||= 'true';
  return generated;
};

const main = async (): Promise<void> => {
  // A setting that cannot work stops the start with one line, before DynamoDB Local or a port.
  const problem = checkConfig(process.env);
  if (problem !== undefined) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  const generated = withDefaults();
  const port = Number(process.env.PORT ?? 3000);
  // Ctrl-C may come while DynamoDB Local is still starting; its watchdog then stops java when we exit.
  const running: { dynamoDb?: DynamoDbLocal; media?: LocalMedia } = {};
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log({ message: 'stopping', signal });
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
  // Media goes to s3rver (the S3 adapter's local twin) in a folder under LOCAL_DATA_DIR.
  const dataDir = process.env.LOCAL_DATA_DIR || mkdtempSync(join(tmpdir(), 'whatsapp-engine-'));
  const media = await startLocalMedia({
    dynamoDbEndpoint: dynamoDb.endpoint,
    tableName: process.env.TABLE_NAME as string,
    dataDir,
    log,
  });
  running.media = media;
  process.env.MEDIA_BUCKET = media.bucket;
  process.env.MEDIA_S3_ENDPOINT = media.s3Endpoint;
  log({ message: 'media storage started', folder: media.folder, endpoint: media.s3Endpoint });

  // Sends go to Meta when WHATSAPP_API_URL is set; otherwise to the built-in sandbox, which posts
  // its status webhooks back to our own /webhook. Set before the first handler is loaded.
  const useSandbox = !process.env.WHATSAPP_API_URL;
  const sandboxPort = Number(process.env.SANDBOX_PORT ?? port + 1);
  if (useSandbox) process.env.WHATSAPP_API_URL = `http://127.0.0.1:${sandboxPort}`;
  await media.startWorker();
  const { url } = await startLocalServer({ port, host: process.env.HOST ?? '127.0.0.1', log });
  let sandbox: Sandbox | undefined;
  if (useSandbox) {
    const { DynamoDbTemplateStore } = await import('../functions/commons/store/dynamodb-template-store.ts');
    const { documentClient } = await import('../functions/commons/clients/dynamodb.ts');
    const templates = new DynamoDbTemplateStore(documentClient, process.env.TABLE_NAME as string);
    sandbox = await startSandbox({
      port: sandboxPort,
      appSecret: process.env.WHATSAPP_APP_SECRET as string,
      accessToken: process.env.WHATSAPP_ACCESS_TOKEN as string,
      webhookUrl: `${url}/webhook`,
      templateCategory: async (name, language) => (await templates.readTemplate(name, language))?.category,
      log: (entry) => log({ service: 'whatsapp-sandbox', ...entry }),
    });
    log({ message: 'WhatsApp sandbox started', url: sandbox.url });
  }
  if (Object.keys(generated).length > 0) {
    process.stdout.write(
      `\nGenerated for this run (set them in the environment to choose your own):\n${Object.entries(generated)
        .map(([name, value]) => `  ${name}=${value}`)
        .join('\n')}\n\n`,
    );
  }
  const { startEventDelivery } = await import('./local/events/start-events.ts');
  await startEventDelivery({
    endpoint: dynamoDb.endpoint,
    tableName: process.env.TABLE_NAME as string,
    ...(process.env.DYNAMODB_DATA_DIR ? { dataDir: process.env.DYNAMODB_DATA_DIR } : {}),
    log: (entry) => log({ service: 'event-delivery', ...entry }),
  });
  // Big webhook POSTs are answered once stored as batch chunks; this applies them from the stream.
  const { startWebhookBatches } = await import('./local/events/webhook-batches.ts');
  await startWebhookBatches({
    endpoint: dynamoDb.endpoint,
    tableName: process.env.TABLE_NAME as string,
    ...(process.env.DYNAMODB_DATA_DIR ? { dataDir: process.env.DYNAMODB_DATA_DIR } : {}),
    log: (entry) => log({ service: 'webhook-batches', ...entry }),
  });
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
