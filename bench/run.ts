/**
 * `npm run bench`: the figures behind the README's Performance section, from one run on this
 * machine. Starts its own DynamoDB Local and local server (the real handlers), prints a table and
 * writes bench/results.json. Each part is bounded in time; the whole run takes a few minutes.
 * `npm run bench -- --only emulation,cost` runs the named sections alone (names below).
 *
 *   1a  work       DynamoDB work per event type (ConsumedCapacity), against the budgets
 *   1b  ingestion  webhook ingestion rate over HTTP against the same writes by a bare client, side by side
 *   1c  bundles    bundle size and cold init time of each Lambda against a DynamoDB-only reference
 *   1d  cost       the cost report for a month of 1,000 and of 1,000,000 conversations
 *   1e  refusal    CPU time of refusing a 6 MB forged webhook against accepting a valid 1 KB one
 *   2   load       autocannon on POST /webhook with distinct signed bodies; every acknowledged event stored once
 *   3   events     webhook-to-event latency, and the publisher's work and cost per 1,000 events
 *   4   emulation  the webhook with in-region DynamoDB latency, its CPU, projected at 512 MB and 1,769 MB
 *   5   bill       the AWS bill per million messages of a realistic mix, by component (from 1a, 3 and 4 of
 *                  this run, or of the last run's bench/results.json)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CostReportResult } from './cost-report.ts';
import { selectedSections } from './sections.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const { createSessionTable, startDynamoDbLocal } = await import('../bin/local/dynamodb-local.ts');
const { applyBenchEnv, BENCH } = await import('./env.ts');
const { measureBundles } = await import('./bundles.ts');
const print = await import('./print.ts');

const root = fileURLToPath(new URL('..', import.meta.url));
const REPORT_STORE = join(root, 'functions/commons/store/dynamodb-report-store.ts');
const LOAD_SECONDS = 20;

const NOTES = {
  consumedCapacity:
    'DynamoDB Local returns ConsumedCapacity for single-item calls, BatchGetItem and Query (0 RCU for a ' +
    'BatchGetItem that finds nothing, where AWS bills the read), but for TransactWriteItems a figure that ' +
    'does not follow the items (4 WCU for 1 to 8 small items); transaction WCU here are computed by AWS’s ' +
    'rule instead: 2 per item and started KB. DynamoDB Local reports no units for the history index (a GSI): ' +
    'its WCU are computed by AWS’s rule, 1 per started KB of the projected attributes for each message ' +
    'item written (also inside transactions, as a standard write), and are not included in WCU.',
  initTime: 'init = time to import the bundle in a fresh node process; no bundle opened a connection while importing.',
};

const say = (text = '') => process.stdout.write(`${text}\n`);
const sections = selectedSections(process.argv.slice(2));
const step = (text: string) => process.stderr.write(`… ${text}\n`);

const dynamoDbLocalVersion = (): string => {
  try {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
    return /\((\d+\.\d+\.\d+)\)/.exec(readFileSync(join(dir, 'README.txt'), 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
};

const machine = {
  date: new Date().toISOString(),
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  dynamoDbLocal: dynamoDbLocalVersion(),
};

const started = performance.now();
const results: Record<string, unknown> = { machine, sections: [...sections], notes: NOTES };
say(
  `WhatsApp session engine bench, ${machine.date.slice(0, 10)}: ${machine.cores} cores (${machine.cpu}), ` +
    `${machine.memoryGiB} GiB, Node ${machine.node}, DynamoDB Local ${machine.dynamoDbLocal}`,
);
say();

if (sections.has('bundles')) {
  step('building and importing the Lambda bundles');
  const bundles = await measureBundles();
  results.bundles = bundles;
  print.printBundles(bundles, NOTES.initTime);
}

const needsDynamoDb = [...sections].some((section) => section !== 'bundles' && section !== 'bill');
let exitCode = 0;
const dynamoDb = needsDynamoDb ? await startDynamoDbLocal() : undefined;
try {
  if (dynamoDb) {
    step('started DynamoDB Local');
    applyBenchEnv(dynamoDb.endpoint);
    await createSessionTable(dynamoDb.endpoint, BENCH.tableName, { timeToLive: false });
  }
  const endpoint = dynamoDb?.endpoint as string;
  let ingestionRate: number | undefined;
  if (sections.has('events') || sections.has('work') || sections.has('ingestion')) {
    const { startBenchStack } = await import('./stack.ts');
    const stack = await startBenchStack();
    try {
      if (sections.has('events')) {
        // First, while the table's stream is short: the publisher reads it from its start.
        step('event delivery: webhook-to-event latency and publisher work per 1,000 events');
        const { measureEvents, eventRows } = await import('./events.ts');
        const events = await measureEvents(stack, endpoint);
        results.events = events;
        print.printEvents(events, eventRows);
      }
      if (sections.has('work')) {
        step('DynamoDB work per event type');
        const { measureWorkPerEvent } = await import('./work-per-event.ts');
        const work = await measureWorkPerEvent(stack, 20);
        results.workPerEvent = work;
        print.printWork(work, NOTES.consumedCapacity);
      }
      if (sections.has('ingestion')) {
        step('ingestion rate: webhook over HTTP against a bare client');
        const { measureIngestionRate } = await import('./ingestion-rate.ts');
        const ingestion = await measureIngestionRate(stack, endpoint);
        ingestionRate = ingestion.webhookRate;
        results.ingestion = { ...ingestion, ratioSpread: print.ingestionSpread(ingestion) };
        print.printIngestion(ingestion);
      }
    } finally {
      await stack.close();
    }
  }
  if (sections.has('refusal')) {
    step('webhook refusal: a 6 MB forged body against a valid 1 KB one');
    const { measureWebhookRefusal } = await import('./webhook-refusal.ts');
    const refusal = await measureWebhookRefusal();
    results.refusal = refusal;
    print.printRefusal(refusal);
  }
  if (sections.has('load')) {
    step(`load test: autocannon for ${LOAD_SECONDS} s`);
    const { runLoad } = await import('./load.ts');
    // Enough distinct bodies for the whole run with a wide margin, from the rate measured (or a generous guess).
    const rate = ingestionRate ?? 400;
    const bodies = Math.min(20_000, Math.max(2_000, Math.round((rate / 4) * LOAD_SECONDS * 1.5)));
    const load = await runLoad(endpoint, {
      duration: LOAD_SECONDS,
      connections: 8,
      bodies,
      users: 1000,
      inboundPerBody: 3,
    });
    results.load = load;
    print.printLoad(load);
    if (load.check.lost > 0 || load.check.duplicated > 0 || load.check.wrongWindows > 0) {
      say('LOAD CHECK FAILED: acknowledged events were lost or counted twice.');
      exitCode = 1;
    }
  }
  if (sections.has('cost') && existsSync(REPORT_STORE)) {
    step('cost report: a month of 1,000 and of 1,000,000 conversations');
    const { measureCostReport } = await import('./cost-report.ts');
    const costReport: CostReportResult = await measureCostReport(endpoint, `${BENCH.tableName}-report`);
    results.costReport = costReport;
    print.printCost(costReport);
  }
  if (sections.has('emulation')) {
    step('emulation: the webhook with in-region latency, CPU projected at 512 MB and 1,769 MB');
    const { measureEmulation } = await import('./emulation.ts');
    // BENCH_EMULATION=small: fewer samples (a loaded machine, a quick look)
    const emulation = await measureEmulation(
      endpoint,
      process.env.BENCH_EMULATION === 'small'
        ? { singles: 40, rounds: 1, updates: 1000, aboveEvents: 50, sweep: [32] }
        : undefined,
    );
    results.emulation = emulation;
    print.printEmulation(emulation);
  }
  // A partial run keeps the other sections of the last results.
  const file = join(root, 'bench/results.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  if (sections.has('bill')) {
    const { billInputsFrom, billPerMillion } = await import('./bill.ts');
    const bill = billPerMillion(billInputsFrom({ ...previous, ...results }));
    results.bill = bill;
    print.printBill(bill);
  }
  results.seconds = Math.round((performance.now() - started) / 1000);
  writeFileSync(file, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
  say(`bench/results.json written; ${String(results.seconds)} s in all.`);
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exitCode = 1;
} finally {
  await dynamoDb?.stop();
}
process.exit(exitCode);
