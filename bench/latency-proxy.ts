/**
 * The emulation's network: an HTTP proxy between the handlers' DynamoDB client and DynamoDB Local
 * that makes every call take as long as it would in an AWS region. DynamoDB Local answers on the
 * loopback in a millisecond or two; DynamoDB in-region answers single-item calls in single-digit
 * milliseconds with a tail, and transactions (two-phase, several partitions) in tens.
 *
 * Each call's total time is drawn from a log-normal distribution fitted to the configured p50 and
 * p99 (the shape of service latencies: a floor, most calls near the median, a long right tail).
 * The proxy holds the answer until that time has passed since the request arrived, so DynamoDB
 * Local's own time is inside the drawn figure, not added to it.
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LatencyDistribution {
  p50Ms: number;
  p99Ms: number;
}

/** Which distribution a DynamoDB operation follows. */
export type OperationClass = 'single' | 'transaction';

export type LatencyProfile = Record<OperationClass, LatencyDistribution>;

/**
 * In-region DynamoDB as issue 16 measured it: single-item calls p50 7.6 / p99 16 ms, transactions
 * p50 25 ms (their p99 taken at twice the median, the single-item calls' own tail ratio).
 */
export const IN_REGION: LatencyProfile = {
  single: { p50Ms: 7.6, p99Ms: 16 },
  transaction: { p50Ms: 25, p99Ms: 50 },
};

/** The 99th percentile of the standard normal distribution. */
const Z99 = 2.3263478740408408;

/**
 * A sampler of the log-normal distribution whose median is p50 and whose 99th percentile is p99:
 * ln(X) ~ N(ln p50, σ) with σ = ln(p99 / p50) / z₀.₉₉. `random` is injected so tests are exact.
 */
export const logNormalSampler = (
  { p50Ms, p99Ms }: LatencyDistribution,
  random: () => number = Math.random,
): (() => number) => {
  if (!(p50Ms > 0) || !(p99Ms >= p50Ms)) throw new Error(`latency needs 0 < p50 ≤ p99, not ${p50Ms}/${p99Ms}`);
  const sigma = Math.log(p99Ms / p50Ms) / Z99;
  return () => {
    // Box–Muller; 1 - random() keeps the logarithm finite.
    const u = 1 - random();
    const v = random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return p50Ms * Math.exp(sigma * z);
  };
};

/** The operation named by the SDK's `X-Amz-Target` header (`DynamoDB_20120810.TransactWriteItems`). */
export const operationClass = (target: string | undefined): OperationClass =>
  /\.Transact(Write|Get)Items$/.test(target ?? '') ? 'transaction' : 'single';

/**
 * `BENCH_LATENCY=single=7.6/16,transaction=25/50` (p50/p99 in ms per class); unset: IN_REGION.
 * `off` turns the added latency off (DynamoDB Local's own).
 */
export const parseLatencyProfile = (text: string | undefined): LatencyProfile | 'off' => {
  if (text === undefined || text.trim() === '') return IN_REGION;
  if (text.trim() === 'off') return 'off';
  const profile: LatencyProfile = { ...IN_REGION };
  for (const part of text.split(',')) {
    const match = /^\s*(single|transaction)=(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!match) throw new Error(`BENCH_LATENCY: "${part}" must look like single=7.6/16 or transaction=25/50`);
    const p50Ms = Number(match[2]);
    const p99Ms = Number(match[3]);
    logNormalSampler({ p50Ms, p99Ms });
    profile[match[1] as OperationClass] = { p50Ms, p99Ms };
  }
  return profile;
};

export interface LatencyProxy {
  url: string;
  /** calls forwarded, by class */
  counts(): Record<OperationClass, number>;
  close(): Promise<void>;
}

const readBody = (message: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.on('end', () => resolve(Buffer.concat(chunks)));
    message.on('error', reject);
  });

export const startLatencyProxy = async (options: {
  /** DynamoDB Local's endpoint, http://127.0.0.1:port */
  target: string;
  profile: LatencyProfile | 'off';
  random?: () => number;
}): Promise<LatencyProxy> => {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const samplers =
    options.profile === 'off'
      ? undefined
      : {
          single: logNormalSampler(options.profile.single, options.random),
          transaction: logNormalSampler(options.profile.transaction, options.random),
        };
  const counts: Record<OperationClass, number> = { single: 0, transaction: 0 };

  const server: Server = createServer((incoming, answer) => {
    const arrived = performance.now();
    const kind = operationClass(incoming.headers['x-amz-target'] as string | undefined);
    counts[kind]++;
    const total = samplers ? samplers[kind]() : 0;
    void readBody(incoming).then((body) => {
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
          agent,
        },
        (response) => {
          void readBody(response).then((payload) => {
            const wait = Math.max(0, total - (performance.now() - arrived));
            setTimeout(() => {
              answer.writeHead(response.statusCode ?? 502, response.headers);
              answer.end(payload);
            }, wait);
          });
        },
      );
      upstream.on('error', (error) => {
        answer.writeHead(502, { 'content-type': 'text/plain' });
        answer.end(String(error));
      });
      upstream.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          agent.destroy();
          resolve();
        });
      }),
  };
};
