import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { costCell, pricedReport } from '#test/cost-cells';
import { FileReportSink } from './file-report-sink';
import { costReportCsv } from './render-csv';
import { reportKeys, type ReportSink } from './report-sink';
import { writeReportFiles } from './write-report-files';

const report = pricedReport('2025-07-01', '2025-07-02', [
  costCell('2025-07-01', 'IN', 'marketing', 10),
  costCell('2025-07-02', 'BR', 'utility', 4),
]);

class MemorySink implements ReportSink {
  readonly puts: Array<{ key: string; body: string; contentType: string }> = [];
  async put(key: string, body: string, contentType: string): Promise<void> {
    this.puts.push({ key, body, contentType });
  }
}

const options = { day: '2025-07-02', name: 'month-to-date', generatedAt: '2025-07-03T01:00:00.000Z' };

describe('reportKeys', () => {
  it('puts the three files under reports/YYYY/MM/DD/', () => {
    expect(reportKeys('2025-07-02', 'daily')).toEqual({
      json: 'reports/2025/07/02/daily.json',
      csv: 'reports/2025/07/02/daily.csv',
      html: 'reports/2025/07/02/daily.html',
    });
  });

  it.each(['2025-7-2', '2025-02-30', '2025/07/02', ''])('refuses the day %j', (day) => {
    expect(() => reportKeys(day, 'daily')).toThrow('day must be a UTC day written YYYY-MM-DD');
  });

  it.each(['', '..', '.hidden', 'a/b', 'a b', 'x'.repeat(101)])('refuses the name %j', (name) => {
    expect(() => reportKeys('2025-07-02', name)).toThrow('report name must be');
  });
});

describe('writeReportFiles', () => {
  it('writes exactly JSON, CSV and HTML under reports/YYYY/MM/DD/ with their content types', async () => {
    const sink = new MemorySink();
    const keys = await writeReportFiles(sink, report, options);

    expect(keys).toEqual([
      'reports/2025/07/02/month-to-date.json',
      'reports/2025/07/02/month-to-date.csv',
      'reports/2025/07/02/month-to-date.html',
    ]);
    expect(sink.puts.map((p) => [p.key, p.contentType])).toEqual([
      [keys[0], 'application/json'],
      [keys[1], 'text/csv; charset=utf-8'],
      [keys[2], 'text/html; charset=utf-8'],
    ]);
    const [json, csv, html] = sink.puts.map((p) => p.body);
    expect(JSON.parse(json ?? '')).toEqual(report);
    expect(json).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(csv).toBe(costReportCsv(report));
    expect(html).toContain('<title>WhatsApp cost report 2025-07-01 to 2025-07-02</title>');
    expect(html).toContain('generated 2025-07-03T01:00:00.000Z');
    expect(html).toContain('<svg');
    expect(report.total).toBe(0.139);
    expect(html).toContain(`<dd class="total">0.139 USD</dd>`);
  });

  it('writes the three files to a folder through the file sink', async () => {
    const root = await mkdtemp(join(tmpdir(), 'report-files-'));
    try {
      const keys = await writeReportFiles(new FileReportSink(root), report, { ...options, name: 'daily' });
      expect((await readdir(join(root, 'reports/2025/07/02'))).sort()).toEqual([
        'daily.csv',
        'daily.html',
        'daily.json',
      ]);
      expect(JSON.parse(await readFile(join(root, keys[0] ?? ''), 'utf8'))).toEqual(report);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('stops at, and throws, the first failed write', async () => {
    const sink = new MemorySink();
    const failing: ReportSink = {
      put: async (key, body, contentType) => {
        if (key.endsWith('.csv')) throw new Error('disk full');
        await sink.put(key, body, contentType);
      },
    };
    await expect(writeReportFiles(failing, report, options)).rejects.toThrow('disk full');
    expect(sink.puts.map((p) => p.key)).toEqual(['reports/2025/07/02/month-to-date.json']);
  });

  it('refuses a bad day or name before writing anything', async () => {
    const sink = new MemorySink();
    await expect(writeReportFiles(sink, report, { ...options, name: '../x' })).rejects.toThrow('report name must be');
    expect(sink.puts).toEqual([]);
  });
});
