import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalServer } from '../../bin/local/server.ts';
import { FileReportSink } from '#report/file-report-sink';

/**
 * GET /reports/cost?link=true on the local server as npm start runs it: the real handler, the
 * data folder as the sink, and the link it answers opened without the API token, as a presigned
 * S3 URL would be.
 */
const API_TOKEN = 'report-link-token';
const PAGE = '<!DOCTYPE html><title>WhatsApp cost report 2026-11-30</title>';

let server: Server;
let url: string;
let folder: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'report-link-'));
  const secret = randomBytes(32).toString('hex');
  process.env.API_TOKEN = API_TOKEN;
  ({ server, url } = await startLocalServer({ port: 0, reportFiles: { root: folder, secret } }));
  Object.assign(process.env, { REPORT_FOLDER: folder, REPORT_LINK_URL: url, REPORT_LINK_SECRET: secret });
  const sink = new FileReportSink(folder);
  await sink.put('reports/2026/11/30/daily.html', PAGE, 'text/html');
  await sink.put('reports/latest/daily.html', PAGE, 'text/html');
});
afterAll(async () => {
  for (const name of ['REPORT_FOLDER', 'REPORT_LINK_URL', 'REPORT_LINK_SECRET']) delete process.env[name];
  rmSync(folder, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const ask = async (query: string) => {
  const response = await fetch(`${url}/reports/cost?${query}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  return {
    status: response.status,
    body: (await response.json()) as { key?: string; url?: string; expiresAt?: string; error?: { code: string } },
  };
};

describe('GET /reports/cost?link=true locally', () => {
  it('answers a link of the local server to the latest stored page that opens without the token', async () => {
    const before = Date.now();
    const { status, body } = await ask('link=true');
    expect(status).toBe(200);
    expect(body.key).toBe('reports/latest/daily.html');
    const link = new URL(body.url as string);
    expect(`${link.origin}${link.pathname}`).toBe(`${url}/local/reports/reports/latest/daily.html`);
    const expiresAt = Date.parse(body.expiresAt as string);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe(PAGE);
  });

  it('links a stored day, and refuses a tampered link', async () => {
    const { status, body } = await ask('link=true&from=2026-11-30&to=2026-11-30');
    expect(status).toBe(200);
    expect(body.key).toBe('reports/2026/11/30/daily.html');
    const tampered = new URL(body.url as string);
    tampered.pathname = tampered.pathname.replace('2026/11/30', '2026/11/29');
    const refused = await fetch(tampered);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('LINK_INVALID');
  });

  it('answers 404 for a page not stored, 400 for a range the job does not store or a bad link value', async () => {
    expect(await ask('link=true&from=2026-11-29&to=2026-11-29')).toMatchObject({
      status: 404,
      body: { error: { code: 'REPORT_NOT_STORED' } },
    });
    expect(await ask('link=true&from=2026-11-02&to=2026-11-30')).toMatchObject({
      status: 400,
      body: { error: { code: 'NO_STORED_REPORT_FOR_RANGE' } },
    });
    expect(await ask('link=yes')).toMatchObject({ status: 400, body: { error: { code: 'INVALID_LINK' } } });
  });
});
