/**
 * `npm run bench`: the figures behind the README's Performance section, from one run on this
 * machine. Starts its own DynamoDB Local and local server (the real handlers), prints a table and
 * writes bench/results.json. Each part is bounded in time; the whole run takes a few minutes.
 *
 *   1a  DynamoDB work per event type (ConsumedCapacity), against design.md's budgets
 *   1b  webhook ingestion rate over HTTP against the same writes by a bare client, side by side
 *   1c  bundle size and cold init time of each Lambda against a DynamoDB-only reference
 *   1d  the cost report for a month of 1,000 and of 1,000,000 conversations
 *   1e  CPU time of refusing a 6 MB forged webhook against accepting a valid 1 KB one
 *   2   load: autocannon on POST /webhook with distinct signed bodies; every acknowledged event stored once
 *   3   event delivery: webhook-to-event latency, and the publisher's work and cost per 1,000 events
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CostReportResult } from './cost-report.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const { createSessionTable, startDynamoDbLocal } = await import('../bin/local/dynamodb-local.ts');
const { applyBenchEnv, BENCH } = await import('./env.ts');
const { measureBundles } = await import('./bundles.ts');
const { renderTable, fixed, verdict } = await import('./table.ts');

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
step('building and importing the Lambda bundles');
const bundles = await measureBundles();

step('starting DynamoDB Local');
const dynamoDb = await startDynamoDbLocal();
let exitCode = 0;
try {
  applyBenchEnv(dynamoDb.endpoint);
  await createSessionTable(dynamoDb.endpoint, BENCH.tableName, { timeToLive: false });
  const { startBenchStack } = await import('./stack.ts');
  const { measureWorkPerEvent } = await import('./work-per-event.ts');
  const { measureIngestionRate } = await import('./ingestion-rate.ts');
  const { runLoad } = await import('./load.ts');
  const { measureWebhookRefusal } = await import('./webhook-refusal.ts');

  const stack = await startBenchStack();
  let work: Awaited<ReturnType<typeof measureWorkPerEvent>>;
  let ingestion: Awaited<ReturnType<typeof measureIngestionRate>>;
  const { measureEvents, eventRows } = await import('./events.ts');
  let events: Awaited<ReturnType<typeof measureEvents>>;
  try {
    // First, while the table's stream is short: the publisher reads it from its start.
    step('event delivery: webhook-to-event latency and publisher work per 1,000 events');
    events = await measureEvents(stack, dynamoDb.endpoint);
    step('DynamoDB work per event type');
    work = await measureWorkPerEvent(stack, 20);
    step('ingestion rate: webhook over HTTP against a bare client');
    ingestion = await measureIngestionRate(stack, dynamoDb.endpoint);
  } finally {
    await stack.close();
  }
  step('webhook refusal: a 6 MB forged body against a valid 1 KB one');
  const refusal = await measureWebhookRefusal();

  step(`load test: autocannon for ${LOAD_SECONDS} s`);
  // Enough distinct bodies for the whole run with a wide margin, from the rate just measured.
  const bodies = Math.min(20_000, Math.max(2_000, Math.round((ingestion.webhookRate / 4) * LOAD_SECONDS * 1.5)));
  const load = await runLoad(dynamoDb.endpoint, {
    duration: LOAD_SECONDS,
    connections: 8,
    bodies,
    users: 1000,
    inboundPerBody: 3,
  });

  // HOOK (1d): the cost report for a month of 1,000 and of 1,000,000 conversations, once the report
  // store exists; until then the row says "pending".
  let costReport: CostReportResult | 'pending' = 'pending';
  if (existsSync(REPORT_STORE)) {
    step('cost report: a month of 1,000 and of 1,000,000 conversations');
    const { measureCostReport } = await import('./cost-report.ts');
    costReport = await measureCostReport(dynamoDb.endpoint, `${BENCH.tableName}-report`);
  }

  const results = {
    machine,
    seconds: Math.round((performance.now() - started) / 1000),
    workPerEvent: work,
    ingestion,
    bundles,
    costReport,
    refusal,
    load,
    events,
    notes: NOTES,
  };
  writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);

  say(
    `WhatsApp session engine bench, ${machine.date.slice(0, 10)}: ${machine.cores} cores (${machine.cpu}), ` +
      `${machine.memoryGiB} GiB, Node ${machine.node}, DynamoDB Local ${machine.dynamoDbLocal}`,
  );
  say();
  say('1a. DynamoDB work per event (mean of 20, one event per POST; units from ConsumedCapacity)');
  say(
    renderTable(
      ['event', 'reads', 'writes', 'transactions (items)', 'RCU', 'WCU', 'history index WCU', 'budget', 'verdict'],
      work.map((row) => [
        row.event,
        fixed(row.work.reads),
        fixed(row.work.writes),
        row.work.transactions ? `${fixed(row.work.transactions)} (${fixed(row.work.transactionItems)})` : '0',
        fixed(row.work.rcu),
        fixed(row.work.wcu),
        fixed(row.work.indexWcu),
        row.budget ?? '',
        verdict(row.holds, row.over),
      ]),
    ),
  );
  say(`   ${NOTES.consumedCapacity}`);
  say();
  say(
    `1b. Webhook ingestion, inbound messages/s (median of ${ingestion.options.rounds} rounds of ` +
      `${ingestion.options.events}; ${ingestion.options.posts} POSTs of ${ingestion.options.batch} in flight)`,
  );
  say(
    renderTable(
      ['path', 'events/s', 'ratio', 'budget', 'verdict'],
      [
        ['bare DocumentClient, the same 2 writes', ingestion.bareWritesRate, '1', '', ''],
        [
          'webhook over HTTP (signed POST, parse, handler)',
          ingestion.webhookRate,
          fixed(ingestion.ratio, 3),
          '≥ 0.7',
          verdict(ingestion.ratio >= 0.7, `${fixed(0.7 - ingestion.ratio, 3)} short`),
        ],
        [
          'bare DocumentClient, alias read + 2 writes',
          ingestion.bareSameRequestsRate,
          fixed(ingestion.ratioSameRequests, 3),
          '',
          '',
        ],
      ],
    ),
  );
  say();
  say(
    `1c. Bundles (esbuild as lib/lambda-function.ts) and cold init (import in a fresh node, median of ${bundles.runs})`,
  );
  const kb = (bytes: number) => `${fixed(bytes / 1024, 0)} KB`;
  say(
    renderTable(
      ['function', 'size', 'size ratio', 'init', 'init ratio', 'budget', 'verdict'],
      [
        [
          `reference (DynamoDB client + GetCommand)`,
          kb(bundles.reference.bytes),
          '1',
          `${bundles.reference.initMs} ms`,
          '1',
          '',
          '',
        ],
        ...bundles.functions.map((row) => {
          const over = [
            row.sizeRatio > 1.3 ? `size +${fixed(row.sizeRatio - 1.3)}` : '',
            row.initRatio > 1.3 ? `init +${fixed(row.initRatio - 1.3)}` : '',
          ].filter(Boolean);
          return [
            row.name === 'cost-report' ? 'cost-report (scheduled)' : row.name,
            kb(row.bytes),
            fixed(row.sizeRatio),
            `${row.initMs} ms`,
            fixed(row.initRatio),
            '≤ 1.3',
            verdict(over.length === 0, over.join(', ')),
          ];
        }),
      ],
    ),
  );
  const connected = bundles.functions.filter((row) => row.connects > 0).map((row) => row.name);
  say(`   ${connected.length ? `CONNECTED TO THE NETWORK WHILE IMPORTING: ${connected.join(', ')}` : NOTES.initTime}`);
  say();
  say('1d. Cost report for a month (median of 5 reports)');
  if (costReport === 'pending') {
    say(
      renderTable(
        ['month', 'report', 'ratio', 'budget', 'verdict'],
        [['1,000 / 1,000,000 conversations', 'pending', '', '≤ 1.5', '']],
      ),
    );
  } else {
    const { small, large, ratio } = costReport;
    say(
      renderTable(
        ['month', 'aggregate cells', 'report', 'ratio', 'budget', 'verdict'],
        [
          ['1,000 conversations', small.cells, `${fixed(small.reportMs, 0)} ms`, '1', '', ''],
          [
            '1,000,000 conversations',
            large.cells,
            `${fixed(large.reportMs, 0)} ms`,
            fixed(ratio),
            '≤ 1.5',
            verdict(ratio <= 1.5, `+${fixed(ratio - 1.5)}`),
          ],
        ],
      ),
    );
  }
  say();
  say(`1e. Webhook refusal, CPU time per request (median of ${refusal.runs}, in process, the real handler)`);
  say(
    renderTable(
      ['request', 'bytes', 'CPU', 'ratio'],
      [
        ['valid signed webhook, one inbound message', refusal.validBytes, `${fixed(refusal.validCpuMs)} ms`, '1'],
        [
          '6 MB of non-ASCII bytes, fake signature (413)',
          refusal.hostileBytes,
          `${fixed(refusal.refusalCpuMs)} ms`,
          fixed(refusal.ratio),
        ],
        [
          'the same body if it were hashed (signature check alone)',
          refusal.hostileBytes,
          `${refusal.signatureOnlyCpuMs} ms`,
          fixed(refusal.signatureOnlyCpuMs / refusal.validCpuMs, 0),
        ],
      ],
    ),
  );
  say();
  say(
    `2. Load: autocannon, ${load.options.connections} connections, ${load.options.duration} s, POST /webhook, ` +
      `each request a distinct signed body (${load.options.inboundPerBody} inbound + 1–2 statuses)`,
  );
  say(
    renderTable(
      ['requests', 'req/s', 'events/s', 'p50', 'p99', 'max', 'errors', 'lost', 'duplicated'],
      [
        [
          load.requests,
          load.requestsPerSecond,
          load.eventsPerSecond,
          `${load.latencyMs.p50} ms`,
          `${load.latencyMs.p99} ms`,
          `${load.latencyMs.max} ms`,
          load.errors.non2xx + load.errors.errors + load.errors.timeouts,
          load.check.lost,
          load.check.duplicated,
        ],
      ],
    ),
  );
  say(
    `   checked: ${load.check.inboundAcknowledged} inbound and ${load.check.statusesAcknowledged} statuses acknowledged; ` +
      `message units ${load.check.messageUnits.stored} stored / ${load.check.messageUnits.held} held, ` +
      `conversation units ${load.check.conversationUnits.stored} / ${load.check.conversationUnits.held}, ` +
      `windows off ${load.check.wrongWindows}${load.wrapped ? '; BODIES RAN OUT and were reused' : ''}`,
  );
  say();
  const eventTables = eventRows(events, fixed, verdict);
  say('3a. Event delivery latency on the local stack (one message at a time)');
  say(renderTable(['path', 'samples', 'p50', 'p99', 'max', 'budget', 'verdict'], eventTables.latency));
  say('3b. Publisher work and cost per 1,000 events (AWS list prices: PutEvents, Lambda arm64 512 MB)');
  say(
    renderTable(
      ['workload', 'stream reads', 'invocations', 'PutEvents calls', 'cost', 'budget', 'verdict'],
      eventTables.cost,
    ),
  );
  say();
  say(`bench/results.json written; ${results.seconds} s in all.`);
  if (load.check.lost > 0 || load.check.duplicated > 0 || load.check.wrongWindows > 0) {
    say('LOAD CHECK FAILED: acknowledged events were lost or counted twice.');
    exitCode = 1;
  }
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exitCode = 1;
} finally {
  await dynamoDb.stop();
}
process.exit(exitCode);
