/** The bench's printed tables, one function per section (run.ts calls those it ran). */
import type { Bill } from './bill.ts';
import type { BundleResult } from './bundles.ts';
import type { CostReportMonth, CostReportResult } from './cost-report.ts';
import type { EmulatedCall, EmulationResult } from './emulation.ts';
import type { EventBenchResult, eventRows } from './events.ts';
import type { IngestionResult } from './ingestion-rate.ts';
import type { LoadResult } from './load.ts';
import { roundRatios, spreadVerdict } from './stats.ts';
import { fixed, renderTable, verdict } from './table.ts';
import type { WebhookRefusalResult } from './webhook-refusal.ts';
import type { WorkRow } from './work-per-event.ts';

const say = (text = '') => process.stdout.write(`${text}\n`);
const spread = (s: { median: number; min: number; max: number }, places = 2) =>
  `${fixed(s.median, places)} (${fixed(s.min, places)}–${fixed(s.max, places)})`;

export const printWork = (work: WorkRow[], note: string) => {
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
  say(`   ${note}`);
  say();
};

/** The webhook's rate over the bare client's, round by round (they alternate), with the spread. */
export const ingestionSpread = (ingestion: IngestionResult) =>
  roundRatios(
    ingestion.rounds.webhook.map((webhook, i) => ({ a: ingestion.rounds.bareWrites[i] as number, b: webhook })),
  );

export const printIngestion = (ingestion: IngestionResult) => {
  const ratio = ingestionSpread(ingestion);
  say(
    `1b. Webhook ingestion, inbound messages/s (median of ${ingestion.options.rounds} rounds of ` +
      `${ingestion.options.events}; ${ingestion.options.posts} POSTs of ${ingestion.options.batch} in flight; ` +
      'ratio: median of the per-round ratios (min–max), the sides alternating)',
  );
  say(
    renderTable(
      ['path', 'events/s', 'ratio', 'budget', 'verdict'],
      [
        ['bare DocumentClient, the same 2 writes', ingestion.bareWritesRate, '1', '', ''],
        [
          'webhook over HTTP (signed POST, parse, handler)',
          ingestion.webhookRate,
          spread(ratio, 3),
          '≥ 0.7',
          spreadVerdict(ratio, 0.7, 'at least'),
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
};

export const printBundles = (bundles: BundleResult, note: string) => {
  say(
    `1c. Bundles (esbuild as lib/lambda-function.ts) and cold init (import in a fresh node, median of ${bundles.runs}; ` +
      'init ratio: median of the per-run ratios against the reference imported in the same run, min–max)',
  );
  const kb = (bytes: number) => `${fixed(bytes / 1024, 0)} KB`;
  say(
    renderTable(
      ['function', 'size', 'size ratio', 'init', 'init ratio', 'budget', 'size verdict', 'init verdict'],
      [
        [
          'reference (DynamoDB client + GetCommand)',
          kb(bundles.reference.bytes),
          '1',
          `${bundles.reference.initMs} ms`,
          '1',
          '',
          '',
          '',
        ],
        ...bundles.functions.map((row) => [
          row.name === 'cost-report' ? 'cost-report (scheduled)' : row.name,
          kb(row.bytes),
          fixed(row.sizeRatio),
          `${row.initMs} ms`,
          spread(row.initRatioSpread),
          '≤ 1.3',
          verdict(row.sizeRatio <= 1.3, `+${fixed(row.sizeRatio - 1.3)}`),
          spreadVerdict(row.initRatioSpread, 1.3, 'at most'),
        ]),
      ],
    ),
  );
  for (const row of bundles.functions) {
    if (!row.additionInitMs?.length) continue;
    const parts = row.additionInitMs.map(
      (a) =>
        `${a.source} ${kb(a.bytes)}: ${Number.isNaN(a.initMs) ? 'not measurable (needed at import)' : `${fixed(a.initMs, 1)} ms`}`,
    );
    say(`   ${row.name} over the size budget; init each of its largest packages costs: ${parts.join(', ')}`);
  }
  const connected = bundles.functions.filter((row) => row.connects > 0).map((row) => row.name);
  say(`   ${connected.length ? `CONNECTED TO THE NETWORK WHILE IMPORTING: ${connected.join(', ')}` : note}`);
  say();
};

/** The columns of the cost-report table, in order. */
const COST_COLUMNS = [
  'month',
  'aggregate cells',
  'seeded in',
  'report, folded',
  'ratio',
  'before the fold',
  'ratio',
  'budget',
  'verdict',
];

export const printCost = (costReport: CostReportResult) => {
  const { small, large, ratio, spread: folded, unfolded } = costReport;
  const range = (s: { min: number; max: number }) => `(${fixed(s.min)}–${fixed(s.max)})`;
  /** One month's row: its size, its report times folded and not, and those times against the small month's. */
  const month = (name: string, side: CostReportMonth, ratios: [string, string], budget = '', outcome = '') => [
    name,
    side.cells,
    `${fixed(side.seedMs / 1000, 1)} s`,
    `${fixed(side.reportMs, 0)} ms`,
    ratios[0],
    `${fixed(side.unfoldedReportMs, 0)} ms`,
    ratios[1],
    budget,
    outcome,
  ];
  say(
    `1d. Cost report for a month (median of ${small.samplesMs.length} reports, the two months alternating; ` +
      'finished days folded by the daily report, as a past month is; before the fold, as ingestion leaves it)',
  );
  say(
    renderTable(COST_COLUMNS, [
      month('1,000 conversations', small, ['1', '1']),
      month(
        '1,000,000 conversations',
        large,
        [`${fixed(ratio)} ${range(folded)}`, `${fixed(unfolded.ratio)} ${range(unfolded.spread)}`],
        '≤ 1.5',
        `folded: ${spreadVerdict(folded, 1.5, 'at most')}; before: ${spreadVerdict(unfolded.spread, 1.5, 'at most')}`,
      ),
    ]),
  );
  say(`   folding the 60 days of both months took ${fixed(costReport.foldMs / 1000, 1)} s`);
  say();
};

export const printRefusal = (refusal: WebhookRefusalResult) => {
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
};

export const printLoad = (load: LoadResult) => {
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
};

/** `rows` is events.ts's eventRows, passed in: that module loads the publisher, which reads the environment. */
export const printEvents = (events: EventBenchResult, rows: typeof eventRows) => {
  const eventTables = rows(events, fixed, verdict);
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
};

/** The printed rows of the emulation (run.ts renders them). */
const emulationRows = (result: EmulationResult) => {
  const row = (name: string, call: EmulatedCall, budget: string, outcome: string) => [
    name,
    `${fixed(call.wallMs.p50, 1)} / ${fixed(call.wallMs.p99, 1)} ms`,
    `${fixed(call.cpuMsPerUpdate, 3)} ms`,
    `${fixed(call.projected[512].p50, 0)} / ${fixed(call.projected[512].p99, 0)} ms`,
    `${fixed(call.projected[result.webhookMemoryMb].p50, 0)} / ${fixed(call.projected[result.webhookMemoryMb].p99, 0)} ms`,
    `${fixed(call.projected[1769].p50, 0)} / ${fixed(call.projected[1769].p99, 0)} ms`,
    budget,
    outcome,
  ];
  const { big } = result;
  return [
    row(
      `inbound message, one per POST (${result.inbound.wallMs.samples})`,
      result.inbound,
      `p99 ≤ 150 ms at ${result.webhookMemoryMb} MB`,
      result.singleVerdicts.inbound,
    ),
    row(
      `delivered, opens a conversation (${result.delivered.wallMs.samples})`,
      result.delivered,
      `p99 ≤ 150 ms at ${result.webhookMemoryMb} MB`,
      result.singleVerdicts.delivered,
    ),
    row(
      `${big.updates}-update POST applied in the request (${big.synchronous.wallMs.samples})`,
      big.synchronous,
      '',
      '',
    ),
    row(
      `${big.updates}-update POST deferred (${big.deferred.wallMs.samples})`,
      big.deferred,
      '≤ 1 s at 512 MB',
      big.verdict,
    ),
  ];
};

export const printEmulation = (emulation: EmulationResult) => {
  const latency =
    emulation.latency === 'off'
      ? 'no added latency'
      : `single-item calls p50 ${emulation.latency.single.p50Ms} / p99 ${emulation.latency.single.p99Ms} ms, ` +
        `transactions p50 ${emulation.latency.transaction.p50Ms} / p99 ${emulation.latency.transaction.p99Ms} ms`;
  say(`4a. Emulated AWS: the webhook handler with in-region DynamoDB latency (${latency}), one request at a time`);
  say(
    renderTable(
      [
        'request (samples)',
        'time to 200 p50 / p99',
        'CPU per update',
        'at 512 MB p50 / p99',
        `at ${emulation.webhookMemoryMb.toLocaleString('en-US')} MB (the webhook's) p50 / p99`,
        'at 1,769 MB p50 / p99',
        'budget',
        'verdict',
      ],
      emulationRows(emulation),
    ),
  );
  const { big, lag } = emulation;
  say(
    `   ${big.updates}-update POST: ${big.synchronous.requests} DynamoDB requests applied in the request, ${big.deferred.requests} deferred ` +
      `(chunks written); deferred / applied at 512 MB, per round (A B A B): ${spread(big.ratioAt512, 3)}. ` +
      `Applied in the request, a POST at 512 MB takes 250 ms at about ${big.synchronousUpdatesWithin.ms250} updates and ` +
      `1 s at about ${big.synchronousUpdatesWithin.ms1000}; POSTs over ${big.aboveEvents} events are deferred.`,
  );
  say(
    `4b. Deferred POST applied from the stream (local stream reader, apply-webhook-batch, through the proxy): ` +
      `${lag.updates} updates in ${lag.chunks} chunks, first chunk ${fixed(lag.firstChunkMs / 1000, 2)} s and all ` +
      `${fixed(lag.allMs / 1000, 2)} s after the 200`,
  );
  say(
    `4c. Ingestion concurrency, the ${big.updates}-update POST applied in the request: ` +
      emulation.concurrency
        .map(
          (c) =>
            `${c.concurrency} in flight ${fixed(c.wallMs, 0)} ms here (CPU ${fixed(c.cpuMs, 0)} ms), ${fixed(c.at512Ms, 0)} ms at 512 MB`,
        )
        .join('; '),
  );
  say(
    '   Projection: time at M MB = time here + CPU here × (1,769 / M − 1), this machine’s core taken as one vCPU ' +
      '(Lambda: 1 vCPU at 1,769 MB, proportionally less below; https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).',
  );
  say();
};

export const printBill = (bill: Bill) => {
  say(
    `5. AWS bill per million messages (us-east-1 list prices of ${bill.pricesDated}, bench/aws-prices.json; the mix in bench/bill.ts)`,
  );
  say(
    renderTable(
      ['component', 'per message', '$ per million messages'],
      [
        ...bill.lines.map((line) => [line.component, line.counted, fixed(line.dollars, 2)]),
        ['total', '', fixed(bill.total, 2)],
      ],
    ),
  );
  say(`   budget ≤ $5 per million: ${verdict(bill.total <= 5, `+$${fixed(bill.total - 5, 2)}`)}`);
  say();
};
