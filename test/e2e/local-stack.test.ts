import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { freePort } from '../../bin/local/dynamodb-local.ts';

/**
 * `npm start` as a person runs it: a child process that starts its own DynamoDB Local and serves
 * the routes; Ctrl-C (SIGINT to the whole process group, as a terminal sends it) must leave no java behind.
 */
interface LogLine {
  message?: string;
  pid?: number;
  url?: string;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Polls a condition at most `attempts` times; a bounded wait on a condition, not a sleep. */
const waitFor = async (condition: () => boolean, attempts = 100): Promise<boolean> => {
  for (let i = 0; i < attempts; i++) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
};

const httpRequest = (
  url: string,
  options: { method?: string; headers?: Record<string, string | number>; body?: Buffer } = {},
): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(options.body);
  });

describe('npm start', () => {
  let child: ChildProcess;
  let url: string;
  let javaPid: number;
  const exited = () => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  beforeAll(async () => {
    const port = await freePort();
    child = spawn('npm', ['start', '--silent'], {
      env: { ...process.env, PORT: String(port), DYNAMODB_ENDPOINT: '', TABLE_NAME: '' },
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: LogLine[] = [];
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) {
        if (part.startsWith('{')) lines.push(JSON.parse(part) as LogLine);
      }
    });
    const ready = await waitFor(
      () => child.exitCode !== null || lines.some((line) => line.message === 'listening'),
      600,
    );
    if (!ready || child.exitCode !== null) throw new Error('the local stack did not report "listening" within 30 s');
    url = lines.find((line) => line.message === 'listening')?.url ?? '';
    javaPid = lines.find((line) => line.message === 'DynamoDB Local started')?.pid ?? 0;
  });

  afterAll(() => {
    // Only when a test failed before Ctrl-C: never leave the stack running.
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
  });

  it('serves the session route from DynamoDB Local', async () => {
    expect(isAlive(javaPid)).toBe(true);
    const { status, body } = await httpRequest(`${url}/contacts/15551234567/session`);
    expect(status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({
      waId: '15551234567',
      window: { open: false, expiresAt: null },
      conversations: [],
    });
  });

  it('answers an unknown route with a JSON 404', async () => {
    const { status, body } = await httpRequest(`${url}/no/such/route`);
    expect(status).toBe(404);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers a body over 10 MB with 413 like API Gateway', async () => {
    const body = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    const response = await httpRequest(`${url}/contacts/15551234567/session`, {
      method: 'GET',
      headers: { 'content-length': body.length },
      body,
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('stops on Ctrl-C and leaves no java process behind', async () => {
    const exit = exited();
    process.kill(-(child.pid as number), 'SIGINT');
    await exit;
    expect(await waitFor(() => !isAlive(javaPid))).toBe(true);
  });
});
