import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { routes } from '../functions/routes.ts';
import { bundleAlias, bundleDefine } from '../lib/lambda-function.ts';

export interface BundleRow {
  name: string;
  /** minified bundle, bytes (the .mjs, without its separate source map) */
  bytes: number;
  gzipBytes: number;
  /** median time to import the bundle in a fresh node process, ms */
  initMs: number;
  /** median wall time of that whole process (node start, import, exit), ms */
  processMs: number;
  /** against the reference bundle: the budget is ≤ 1.3 for both */
  sizeRatio: number;
  initRatio: number;
  /** init ratios of the runs one by one (the reference was imported just before, in the same run) */
  initRatioSpread: { median: number; min: number; max: number };
  /** TCP connections attempted while importing: must be 0 */
  connects: number;
  /** the packages (or our own code) that add the most bytes over the reference, bytes in the output */
  largestAdditions: Array<{ source: string; bytes: number }>;
  /**
   * for a function over the size budget: the init time each of its largest package additions costs,
   * measured as the function's init minus its init with that package stubbed out (median of the runs)
   */
  additionInitMs?: Array<{ source: string; bytes: number; initMs: number }>;
}

export interface BundleResult {
  runs: number;
  reference: BundleRow;
  functions: BundleRow[];
}

const root = fileURLToPath(new URL('..', import.meta.url));

/** The bundling of lib/lambda-function.ts (NodejsFunction's esbuild options), for one entry. */
/**
 * A package replaced by a stand-in that answers every property, call and `new` with itself: the
 * bundle then imports without that package's code, so the difference in init time is what the
 * package costs. (Module-scope calls into it still run, against the stand-in.)
 */
const STUB = `const stub = new Proxy(function () {}, { get: (_, key) => (key === Symbol.toPrimitive ? () => '' : key === 'then' ? undefined : stub), apply: () => stub, construct: () => stub }); module.exports = stub;`;

const stubbing = (packages: readonly string[]): Plugin => ({
  name: 'stub-packages',
  setup(builder) {
    const filter = new RegExp(`^(${packages.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})(/.*)?$`);
    builder.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'stub' }));
    builder.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: STUB, loader: 'js' }));
  },
});

const bundle = async (
  name: string,
  entry: string,
  outfile: string,
  stubbed: readonly string[] = [],
): Promise<Map<string, number>> => {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'node22',
    platform: 'node',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external: [],
    banner: { js: "import{createRequire}from'module';const require=createRequire(import.meta.url);" },
    // the stack's defaults: active tracing without the X-Ray SDK in the bundle, the shipped rate card as
    // data, the function's route access without the route list
    define: bundleDefine(false, undefined, name),
    // The engine's credential chain (the environment's alone, as on Lambda). The reference keeps the
    // SDK's default chain: the budget compares with a DynamoDB client as anyone gets it.
    alias: name === 'reference' ? {} : { ...bundleAlias },
    absWorkingDir: root,
    logLevel: 'silent',
    metafile: true,
    plugins: stubbed.length > 0 ? [stubbing(stubbed)] : [],
  });
  // Bytes in the output per package (`@scope/name`), or per file for the project's own code.
  const bySource = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const source = match?.[1] ?? input;
      bySource.set(source, (bySource.get(source) ?? 0) + bytesInOutput);
    }
  }
  return bySource;
};

/** Imports one bundle in a fresh process; counts TCP connection attempts made during the import. */
const PROBE = `
import net from 'node:net';
let connects = 0;
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) { connects++; return connect.apply(this, args); };
const started = performance.now();
const module = await import(process.env.BENCH_BUNDLE);
const ms = performance.now() - started;
// Work the import scheduled (timers, promises) gets a moment to show a connection attempt.
await new Promise((resolve) => setTimeout(resolve, 20));
process.stdout.write(JSON.stringify({ ms, connects, handler: typeof module.handler }));
`;

const initEnv = (bundlePath: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  BENCH_BUNDLE: bundlePath,
  TABLE_NAME: 'bench-init',
  AWS_REGION: 'us-east-1',
  // Pointed at nothing: an import that called the network would show in `connects` (and fail).
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
  AWS_ACCESS_KEY_ID: 'none',
  AWS_SECRET_ACCESS_KEY: 'none',
  REPORT_BUCKET: 'bench-init',
  WHATSAPP_PHONE_NUMBER_ID: '100000000000001',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  NODE_OPTIONS: '',
});

const importOnce = (bundlePath: string): { ms: number; processMs: number; connects: number } => {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE], {
    env: initEnv(bundlePath),
    encoding: 'utf8',
    timeout: 30_000,
  });
  const processMs = performance.now() - started;
  if (result.status !== 0) throw new Error(`importing ${bundlePath} failed: ${result.stderr || result.error}`);
  const answer = JSON.parse(result.stdout) as { ms: number; connects: number; handler: string };
  if (answer.handler !== 'function') throw new Error(`${bundlePath} exports no handler function`);
  return { ms: answer.ms, processMs, connects: answer.connects };
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

const round = (value: number, places = 2) => Math.round(value * 10 ** places) / 10 ** places;

/** The design's budget for a bundle and its init, as a ratio to the reference. */
const SIZE_BUDGET = 1.3;

/**
 * Builds every route's Lambda (and the scheduled cost report) as the stack does, plus the
 * reference, then imports each in fresh processes, interleaved run by run so that noise spreads evenly.
 */
export const measureBundles = async (runs = 9): Promise<BundleResult> => {
  const out = mkdtempSync(join(tmpdir(), 'wse-bench-bundles-'));
  try {
    const names = [...new Set<string>([...routes.map((route) => route.handler), 'cost-report', 'apply-webhook-batch'])];
    const entries: Array<{ name: string; entry: string }> = [
      { name: 'reference', entry: join(root, 'bench/reference-handler.ts') },
      ...names.map((name) => ({ name, entry: join(root, 'functions', name, 'index.ts') })),
    ];
    const built = await Promise.all(
      entries.map(async ({ name, entry }) => {
        const outfile = join(out, name, 'index.mjs');
        return { name, outfile, sources: await bundle(name, entry, outfile) };
      }),
    );
    const samples = new Map<string, Array<ReturnType<typeof importOnce>>>(built.map(({ name }) => [name, []]));
    for (const { outfile } of built) importOnce(outfile); // first touch: the file system cache
    for (let run = 0; run < runs; run++) {
      for (const { name, outfile } of built) samples.get(name)?.push(importOnce(outfile));
    }
    const referenceSources = built[0]?.sources ?? new Map<string, number>();
    const additions = (sources: Map<string, number>) =>
      [...sources]
        .map(([source, bytes]) => ({ source, bytes: bytes - (referenceSources.get(source) ?? 0) }))
        .filter((entry) => entry.bytes > 0)
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 4);
    // Per run, against the reference imported in that same run: a slow moment slows both sides.
    const referenceTaken = samples.get('reference') ?? [];
    const spreadOf = (taken: Array<ReturnType<typeof importOnce>>) => {
      const ratios = taken.map((sample, run) => sample.ms / (referenceTaken[run]?.ms ?? sample.ms));
      return {
        median: round(median(ratios)),
        min: round(Math.min(...ratios)),
        max: round(Math.max(...ratios)),
      };
    };
    const rowOf = (
      { name, outfile, sources }: { name: string; outfile: string; sources: Map<string, number> },
      reference?: BundleRow,
    ): BundleRow => {
      const taken = samples.get(name) ?? [];
      const bytes = statSync(outfile).size;
      const initMs = median(taken.map((sample) => sample.ms));
      return {
        name,
        bytes,
        gzipBytes: gzipSync(readFileSync(outfile)).length,
        initMs: round(initMs, 1),
        processMs: round(median(taken.map((sample) => sample.processMs)), 1),
        sizeRatio: reference ? round(bytes / reference.bytes) : 1,
        initRatio: reference ? round(initMs / reference.initMs) : 1,
        initRatioSpread: spreadOf(taken),
        connects: Math.max(...taken.map((sample) => sample.connects)),
        largestAdditions: reference ? additions(sources) : [],
      };
    };
    const [referenceBuilt, ...functionsBuilt] = built;
    if (!referenceBuilt) throw new Error('no reference bundle');
    const reference = rowOf(referenceBuilt);
    const functions = functionsBuilt.map((entry) => rowOf(entry, reference));
    for (const row of functions) {
      if (row.sizeRatio <= SIZE_BUDGET) continue;
      const full = built.find((entry) => entry.name === row.name) as (typeof built)[number];
      const entry = entries.find((candidate) => candidate.name === row.name)?.entry as string;
      row.additionInitMs = [];
      // The packages among its largest additions (our own files are not stubbed: their callers need them).
      for (const addition of row.largestAdditions
        .filter((a) => !a.source.includes('/') || a.source.startsWith('@'))
        .slice(0, 3)) {
        const outfile = join(out, `${row.name}-without-${addition.source.replace(/\W/g, '_')}`, 'index.mjs');
        try {
          await bundle(row.name, entry, outfile, [addition.source]);
          const deltas: number[] = [];
          for (let run = 0; run < runs; run++) deltas.push(importOnce(full.outfile).ms - importOnce(outfile).ms);
          row.additionInitMs.push({ ...addition, initMs: round(median(deltas), 1) });
        } catch {
          // Its module scope needs the real package (the stand-in does not import): no figure, said so.
          row.additionInitMs.push({ ...addition, initMs: Number.NaN });
        }
      }
    }
    return { runs, reference, functions };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
};
