import { writeFileSync } from 'node:fs';
import { createSessionTable, startDynamoDbLocal, type DynamoDbLocal } from '../../bin/local/dynamodb-local.ts';
import { TEST_TABLE_NAME } from './environment.ts';

declare global {
  var __dynamoDbLocal: DynamoDbLocal | undefined;
}

/**
 * One real DynamoDB Local for the whole run, started by the run itself. The environment set here
 * is inherited by jest's workers, so the handlers' module-scope clients point at it.
 */
export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const dynamoDb = await startDynamoDbLocal();
  globalThis.__dynamoDbLocal = dynamoDb;
  // If the database dies mid-run, every later test would fail one by one with "connection refused"
  // and never say why: end the run at once, naming it and showing what java printed last.
  dynamoDb.onUnexpectedExit(({ code, lastOutput }) => {
    process.stderr.write(
      `\nThe test run's DynamoDB Local (pid ${dynamoDb.pid}, ${dynamoDb.endpoint}) exited with code ${String(code)} ` +
        `while tests were running; the run stops here.\n` +
        (lastOutput.length > 0 ? `Its last output:\n  ${lastOutput.join('\n  ')}\n` : 'It printed nothing.\n'),
    );
    process.exit(1);
  });
  // TTL off: DynamoDB Local deletes expired items by the wall clock, and tests inject clocks in the past.
  // Reads must treat expired items as closed anyway; test/integration/table.test.ts covers TTL itself.
  await createSessionTable(dynamoDb.endpoint, TEST_TABLE_NAME, { timeToLive: false });
  process.env.DYNAMODB_ENDPOINT = dynamoDb.endpoint;
  process.env.TABLE_NAME = TEST_TABLE_NAME;
  process.env.AWS_REGION = 'local';
  process.env.WHATSAPP_PHONE_NUMBER_ID = '100000000000001';
  process.env.REPORT_BUCKET = 'test-reports';
  // The harness's own test kills this process from outside; it learns the pid from this file.
  if (process.env.TEST_DYNAMODB_PID_FILE) writeFileSync(process.env.TEST_DYNAMODB_PID_FILE, String(dynamoDb.pid));
}
