import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { freePort } from '../../bin/local/dynamodb-local.ts';
import { waitUntil } from './event-listener.ts';

/**
 * `npm start` as a person runs it, for the end-to-end suites (test/e2e): a child process in its own
 * process group that starts its own DynamoDB Local, sandbox and routes on free ports of 127.0.0.1,
 * and prints one JSON line per event of its life ("listening", "DynamoDB Local started", …).
 */
export interface LogLine {
  message?: string;
  url?: string;
  pid?: number;
  folder?: string;
  /** without EVENTS_URL the stack prints each event's envelope as a JSON line */
  'detail-type'?: string;
  detail?: Record<string, unknown>;
}

export interface NpmStart {
  child: ChildProcess;
  /** every JSON line it printed so far */
  lines: LogLine[];
  /** the routes' base URL */
  url: string;
  /** the WhatsApp sandbox's base URL */
  sandboxUrl: string;
  line(message: string): LogLine | undefined;
  running(): boolean;
  /** Ctrl-C as a terminal sends it (SIGINT to the whole group), SIGKILL if it is still up 10 s later */
  stop(): Promise<void>;
}

/** Starts `npm start` with `env` over the defaults (fresh ports, its own DynamoDB Local, its sandbox as Meta). */
export const startNpmStart = async (env: Record<string, string>, readyWithinMs: number): Promise<NpmStart> => {
  const child = spawn('npm', ['start', '--silent'], {
    env: {
      ...process.env,
      PORT: String(await freePort()),
      SANDBOX_PORT: String(await freePort()),
      DYNAMODB_ENDPOINT: '',
      TABLE_NAME: '',
      WHATSAPP_API_URL: '',
      ...env,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: LogLine[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part) as LogLine);
  });
  const line = (message: string) => lines.find((entry) => entry.message === message);
  const running = () => child.exitCode === null && child.signalCode === null;
  const ready = await waitUntil(() => !running() || line('listening') !== undefined, readyWithinMs);
  if (!ready || !running()) {
    if (running() && child.pid) process.kill(-child.pid, 'SIGKILL');
    throw new Error(`the local stack did not report "listening" within ${readyWithinMs / 1000} s`);
  }
  return {
    child,
    lines,
    url: line('listening')?.url ?? '',
    sandboxUrl: line('WhatsApp sandbox started')?.url ?? '',
    line,
    running,
    stop: async () => {
      if (!running() || !child.pid) return;
      process.kill(-child.pid, 'SIGINT');
      await waitUntil(() => !running(), 10_000);
      if (running() && child.pid) process.kill(-child.pid, 'SIGKILL');
    },
  };
};

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
}

/** One HTTP request with node's own client (no fetch: the suites send exact bytes and read raw answers). */
export const httpRequest = (
  url: string,
  options: { method?: string; headers?: Record<string, string | number>; body?: Buffer } = {},
): Promise<HttpAnswer> =>
  new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
