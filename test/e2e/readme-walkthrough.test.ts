import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../bin/local/dynamodb-local.ts';
import { answerDifferences, walkthroughCommands } from '../support/readme-walkthrough.ts';

/**
 * Acceptance: the README's "Try it" walkthrough, read from README.md now (not copied), run command
 * by command in one bash, as a person pastes it into a second shell, against one `npm start` started
 * with the README's own start command on free 127.0.0.1 ports. Every answer shown must hold.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const commands = walkthroughCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
const startIndex = commands.findIndex((step) => step.command.startsWith('npm start'));
const start = commands[startIndex];
const steps = commands.filter((_, index) => index !== startIndex);

/** Polls a condition at most `attempts` times, 50 ms apart: a bounded wait on a condition. */
const waitFor = async (condition: () => boolean, attempts: number): Promise<boolean> => {
  for (let i = 0; i < attempts; i++) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
};

const MARK = '@@walkthrough-step';

describe("the README's walkthrough against one npm start", () => {
  let child: ChildProcess;
  let stdout = '';
  let port: number;
  let sandboxPort: number;
  let folder: string;

  beforeAll(async () => {
    if (!start) throw new Error('the README walkthrough has no npm start command');
    folder = mkdtempSync(join(tmpdir(), 'walkthrough-'));
    port = await freePort();
    sandboxPort = await freePort();
    // Only the ports are the test's: every secret and token comes from the README's start command.
    const cleared = Object.fromEntries(
      [
        'DYNAMODB_ENDPOINT',
        'TABLE_NAME',
        'WHATSAPP_API_URL',
        'API_TOKEN',
        'WHATSAPP_APP_SECRET',
        'WHATSAPP_VERIFY_TOKEN',
        'WHATSAPP_ACCESS_TOKEN',
        'DYNAMODB_DATA_DIR',
        'RATE_CARD_FILE',
        'EVENTS_URL',
        'EVENTS_API_KEY',
      ].map((name) => [name, '']),
    );
    child = spawn('bash', ['-c', start.command], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...cleared,
        PORT: String(port),
        SANDBOX_PORT: String(sandboxPort),
        LOCAL_DATA_DIR: join(folder, 'data'),
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const ready = await waitFor(() => child.exitCode !== null || stdout.includes('"message":"listening"'), 1200);
    if (!ready || child.exitCode !== null)
      throw new Error(`npm start did not report "listening" within 60 s:\n${stdout}`);
  }, 90_000);

  afterAll(async () => {
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGINT');
      if (!(await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 15_000))])))
        process.kill(-child.pid, 'SIGKILL');
    }
    if (folder) rmSync(folder, { recursive: true, force: true });
  }, 30_000);

  it('prints one start block with the URLs, the --demo tokens and a line to restart with them', () => {
    const block = stdout.slice(stdout.indexOf('WhatsApp session engine: ready'));
    expect(block).toMatch(new RegExp(`\n {2}API +http://127\\.0\\.0\\.1:${port}\n`));
    expect(block).toMatch(new RegExp(`\n {2}sandbox +http://127\\.0\\.0\\.1:${sandboxPort} `));
    expect(block).toMatch(new RegExp(`\n {2}cost report +http://127\\.0\\.0\\.1:${port}/reports/cost\\?from=`));
    expect(block).toMatch(/\n {2}daily report +\S+\/data\/reports\/ {2}\(yesterday and the month to date/);
    expect(block).toMatch(/\n {2}events +standard output, one JSON line per event/);
    expect(block).toMatch(/API_TOKEN=dev-token +\(the --demo value\)/);
    const restart = /Restart with the same values:\n {2}(.*)\n/.exec(block)?.[1] ?? '';
    expect(restart).toContain(`PORT=${port} `);
    expect(restart).toContain(`SANDBOX_PORT=${sandboxPort} `);
    expect(restart).toContain('API_TOKEN=dev-token ');
    expect(restart).toContain('WHATSAPP_APP_SECRET=dev-secret ');
    expect(restart).toMatch(/ npm start$/);
  });

  it('answers every command as the README shows', async () => {
    expect(steps.length).toBeGreaterThan(10);
    const script = steps
      .map(({ command }, index) => {
        const local = command
          .replaceAll('localhost:3000', `127.0.0.1:${port}`)
          .replaceAll('localhost:3001', `127.0.0.1:${sandboxPort}`);
        return `${local}\nprintf '\\n${MARK} ${index} %s\\n' "$?"`;
      })
      .join('\n');
    const run = spawn('bash', ['-c', script], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    run.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    run.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => run.kill('SIGKILL'), 100_000);
      run.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code).toBe(0);

    const problems: string[] = [];
    let rest = output;
    steps.forEach((step, index) => {
      const marker = new RegExp(`\\n${MARK} ${index} (\\d+)\\n`).exec(rest);
      if (!marker) {
        problems.push(`README.md line ${step.line}: never finished (${step.command})`);
        return;
      }
      const said = rest.slice(0, marker.index);
      rest = rest.slice(marker.index + marker[0].length);
      if (marker[1] !== '0') problems.push(`README.md line ${step.line}: exit code ${marker[1]} (${step.command})`);
      if (step.answer === undefined) return;
      for (const difference of answerDifferences(step.answer, said))
        problems.push(`README.md line ${step.line}: ${difference}`);
    });
    if (problems.length > 0) problems.push(`stderr of the walkthrough:\n${errors}`);
    expect(problems).toEqual([]);
    // The HTML page the walkthrough saved is a page.
    expect(existsSync(join(folder, 'cost.html'))).toBe(true);
    expect(readFileSync(join(folder, 'cost.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);
  }, 120_000);
});
