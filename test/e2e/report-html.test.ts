import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalServer } from '../../bin/local/server.ts';

/** `npm run report -- --html FILE` as a person runs it, against the local server on a free port. */
const API_TOKEN = 'report-html-token';

let server: Server;
let url: string;
let folder: string;

beforeAll(async () => {
  process.env.API_TOKEN = API_TOKEN;
  ({ server, url } = await startLocalServer({ port: 0 }));
  folder = mkdtempSync(join(tmpdir(), 'report-html-'));
});
afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const report = (args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('npx', ['tsx', 'bin/report.ts', ...args], {
      env: { ...process.env, API_TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });

describe('npm run report -- --html FILE', () => {
  it('writes the HTML page of the range to FILE', async () => {
    const file = join(folder, 'cost.html');
    const run = await report(['--from', '2026-11-01', '--to', '2026-11-02', '--url', url, '--html', file]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(`Wrote the HTML report 2026-11-01 to 2026-11-02 to ${file}\n`);
    const page = readFileSync(file, 'utf8');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<title>WhatsApp cost report 2026-11-01 to 2026-11-02</title>');
  });

  it('writes nothing and names the refusal when the API refuses', async () => {
    const file = join(folder, 'refused.html');
    const run = await report(['--from', '2026-11-02', '--to', '2026-11-01', '--url', url, '--html', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/400 INVALID_DATE_RANGE/);
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });
});
