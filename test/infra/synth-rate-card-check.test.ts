import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBrokenRateCard } from '#test/rate-card-files';

/**
 * `cdk synth -c rateCard=FILE` runs npm start's own rate card check before anything is built: a
 * broken card stops the synth with the one line that names the file, its line and the field.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'synth-card-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const synth = (card: string): Promise<{ code: number | null; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn('npx', ['cdk', 'synth', '--quiet', '-o', join(folder, 'cdk.out'), '-c', `rateCard=${card}`], {
      cwd: ROOT,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => resolve({ code, stderr }));
  });

describe('cdk synth with a broken rate card', () => {
  it('stops with the one line that names the file, the line and the field', async () => {
    const { file, line } = writeBrokenRateCard(folder);
    const run = await synth(file);
    expect(run.code).not.toBe(0);
    const lines = run.stderr.split('\n').filter((entry) => entry.startsWith('rateCard: '));
    expect(lines).toEqual([
      `rateCard: ${file} line ${line}: versions[0].currency must be an ISO 4217 currency code such as "USD", ` +
        'not "dollars": fix the file or leave out -c rateCard for the shipped card',
    ]);
    // no stack trace of the check
    expect(run.stderr).not.toMatch(/at loadRateCard/);
  }, 120_000);
});
