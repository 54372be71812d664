import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const waitFor = async (condition: () => boolean, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
};

describe('the test harness', () => {
  it('stops the run at once, naming DynamoDB Local, when DynamoDB Local dies mid-run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-'));
    const pidFile = join(dir, 'pid');
    const run = spawn(
      process.execPath,
      [
        '--experimental-vm-modules',
        '--no-warnings=ExperimentalWarning',
        'node_modules/jest/bin/jest.js',
        '--testMatch',
        '<rootDir>/test/harness/waits-for-kill.harness.ts',
        '--ci',
      ],
      { env: { ...process.env, TEST_DYNAMODB_PID_FILE: pidFile }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    run.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    run.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => run.once('exit', (code) => resolve(code)));
    try {
      expect(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 40_000)).toBe(true);
      const killedAt = Date.now();
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      const code = await Promise.race([
        exited,
        new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 20_000).unref()),
      ]);
      expect(code).not.toBe('running');
      expect(code).not.toBe(0);
      // At once: well before the nested test's own 60 s would have ended it.
      expect(Date.now() - killedAt).toBeLessThan(20_000);
      expect(output).toMatch(/The test run's DynamoDB Local \(pid \d+, http:\/\/127\.0\.0\.1:\d+\) exited/);
    } finally {
      if (run.exitCode === null) run.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
