import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBrokenRateCard } from '#test/rate-card-files';
import { freePort } from '../../bin/local/dynamodb-local.ts';

/**
 * `npm start` with a setting that cannot work: it must stop with the one line that names the
 * setting, exit non-zero, and never start DynamoDB Local nor open its port.
 */

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'start-config-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Whether something accepts a connection on the port now. */
const answers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

interface Start {
  code: number | null;
  stdout: string;
  stderr: string;
  /** the port answered at least once while the process ran or right after */
  portAnswered: boolean;
}

const start = async (settings: Record<string, string>): Promise<Start> => {
  const port = await freePort();
  const child = spawn('npx', ['tsx', 'bin/local.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      SANDBOX_PORT: String(await freePort()),
      DYNAMODB_ENDPOINT: '',
      ...settings,
    },
    // its own process group, so a start that did not stop can be ended with everything it started
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  let portAnswered = false;
  // Probe the port until the process has gone (bounded: at least 20 s), then once more.
  for (let i = 0; i < 400 && !done; i++) {
    portAnswered ||= await answers(port);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!done && child.pid) process.kill(-child.pid, 'SIGKILL');
  const code = await exited;
  portAnswered ||= await answers(port);
  return { code, stdout, stderr, portAnswered };
};

const expectStopped = (run: Start, line: string) => {
  expect(run.stderr).toBe(`${line}\n`);
  expect(run.code).not.toBe(0);
  expect(run.code).not.toBeNull();
  expect(run.portAnswered).toBe(false);
  // Nothing started: DynamoDB Local logs a line on stdout when it does.
  expect(run.stdout).toBe('');
};

describe('npm start with a setting that cannot work', () => {
  it('stops on a broken rate card, naming the file and the line', async () => {
    const { file, line } = writeBrokenRateCard(folder);
    const run = await start({ RATE_CARD_FILE: file });
    expect(run.stderr).toMatch(new RegExp(`^RATE_CARD_FILE: ${file} line ${line}: versions\\[0\\]\\.currency `));
    expect(run.stderr).toMatch(/: fix the file or unset RATE_CARD_FILE for the shipped card\n$/);
    expectStopped(run, run.stderr.trimEnd());
  });

  it('stops on a data folder that does not exist, naming it', async () => {
    const dir = join(folder, 'no-such-folder');
    const run = await start({ DYNAMODB_DATA_DIR: dir });
    expectStopped(
      run,
      `DYNAMODB_DATA_DIR: ${dir} does not exist: create it (mkdir -p ${dir}) or unset DYNAMODB_DATA_DIR to keep the data in memory`,
    );
  });

  it('stops on a limit that is not a number, naming it and its default', async () => {
    const run = await start({ MESSAGES_PER_SECOND: 'abc' });
    expectStopped(
      run,
      'MESSAGES_PER_SECOND must be a positive number, not "abc": fix it or unset it for the default 80',
    );
  });
});
