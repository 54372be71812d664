import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLocalLink, FileReportSink } from './file-report-sink';

describe('FileReportSink', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'report-sink-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes each key as a file under the root, creating the folders, and overwrites on a rerun', async () => {
    const sink = new FileReportSink(join(root, 'out'));
    await sink.put('reports/2025/07/01/daily.json', '{"total":1}\n', 'application/json');
    await sink.put('reports/2025/07/01/daily.csv', 'a,b\r\n', 'text/csv; charset=utf-8');
    await sink.put('reports/2025/07/01/daily.html', '<p>é</p>', 'text/html; charset=utf-8');
    await sink.put('reports/2025/07/01/daily.json', '{"total":2}\n', 'application/json');

    const folder = join(root, 'out', 'reports', '2025', '07', '01');
    expect((await readdir(folder)).sort()).toEqual(['daily.csv', 'daily.html', 'daily.json']);
    expect(await readFile(join(folder, 'daily.json'), 'utf8')).toBe('{"total":2}\n');
    expect(await readFile(join(folder, 'daily.csv'), 'utf8')).toBe('a,b\r\n');
    expect(await readFile(join(folder, 'daily.html'), 'utf8')).toBe('<p>é</p>');
  });

  it.each([
    ['../escape.json', "'..'"],
    ['reports/../../escape.json', "'..'"],
    ['reports/2025/..', "'..'"],
    ['./reports/x.json', "'.'"],
    ['reports//x.json', 'empty'],
    ['reports/x.json/', 'empty'],
    ['/etc/passwd', 'absolute'],
    ['C:/Windows/x.json', 'absolute'],
    ['reports\\..\\..\\x.json', 'backslash'],
    ['reports/x\u0000.json', 'NUL'],
    ['', 'empty'],
  ])('refuses the key %j, writing nothing', async (key, why) => {
    const sink = new FileReportSink(join(root, 'out'));
    await expect(sink.put(key, 'x', 'text/plain')).rejects.toThrow(why);
    await expect(readdir(root)).resolves.toEqual([]);
  });

  it('accepts dots inside names', async () => {
    const sink = new FileReportSink(root);
    await sink.put('reports/2025/07/01/month-to-date.v2.csv', 'x', 'text/csv');
    expect(await readFile(join(root, 'reports/2025/07/01/month-to-date.v2.csv'), 'utf8')).toBe('x');
    expect(sink.pathOf('reports/a..b.csv')).toBe(join(root, 'reports', 'a..b.csv'));
  });

  it('links a stored key through the local server, signed, valid until the second it expires', async () => {
    const secret = 'local-link-secret';
    const sink = new FileReportSink(root, { baseUrl: 'http://127.0.0.1:3000', secret, now: () => 1_800_000_000 });
    await sink.put('reports/latest/daily.html', '<p>x</p>', 'text/html');
    await expect(sink.exists('reports/latest/daily.html')).resolves.toBe(true);
    await expect(sink.exists('reports/2025/07/01/daily.html')).resolves.toBe(false);
    await expect(sink.exists('reports/latest')).resolves.toBe(false);

    const url = new URL(await sink.readUrl('reports/latest/daily.html', 900));
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:3000/local/reports/reports/latest/daily.html');
    expect(url.searchParams.get('expires')).toBe('1800000900');
    expect(url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
    const link = { expires: url.searchParams.get('expires'), signature: url.searchParams.get('signature') };
    expect(checkLocalLink('reports/latest/daily.html', link, secret, 1_800_000_899)).toBe('ok');
    expect(checkLocalLink('reports/latest/daily.html', link, secret, 1_800_000_900)).toBe('expired');
    expect(checkLocalLink('reports/2025/07/01/daily.html', link, secret, 1_800_000_000)).toBe('invalid');
    expect(checkLocalLink('reports/latest/daily.html', link, 'another run', 1_800_000_000)).toBe('invalid');
    expect(checkLocalLink('reports/latest/daily.html', { ...link, expires: '1800000901' }, secret, 0)).toBe('invalid');
    expect(checkLocalLink('reports/latest/daily.html', { expires: null, signature: null }, secret, 0)).toBe('invalid');
  });

  it('refuses to link without a local server or outside the root', async () => {
    await expect(new FileReportSink(root).readUrl('reports/latest/daily.html', 60)).rejects.toThrow(
      'FileReportSink was given no local server to link to',
    );
    const sink = new FileReportSink(root, { baseUrl: 'http://127.0.0.1:3000', secret: 's' });
    await expect(sink.readUrl('../escape.html', 60)).rejects.toThrow("'..'");
  });
});
