import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileReportSink } from './file-report-sink';

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
});
