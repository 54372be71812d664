import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nextReportAt, startLocalDailyReports } from './daily-report.ts';

const ms = (iso: string) => Date.parse(iso);

describe('the local daily report schedule', () => {
  it('runs at 01:00 UTC, the next day once that has passed, to the second on both sides', () => {
    expect(nextReportAt(ms('2026-12-01T00:59:59Z'))).toBe(ms('2026-12-01T01:00:00Z'));
    expect(nextReportAt(ms('2026-12-01T01:00:00Z'))).toBe(ms('2026-12-02T01:00:00Z'));
    expect(nextReportAt(ms('2026-12-01T01:00:01Z'))).toBe(ms('2026-12-02T01:00:00Z'));
    expect(nextReportAt(ms('2026-12-31T23:00:00Z'))).toBe(ms('2027-01-01T01:00:00Z'));
  });
});

describe('the local daily report against the run’s DynamoDB Local', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'daily-report-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('writes yesterday’s and the month’s files into the folder at start, as the scheduled job does to S3', async () => {
    const logs: Array<Record<string, unknown>> = [];
    const reports = await startLocalDailyReports({
      folder,
      tableName: process.env.TABLE_NAME as string,
      log: (entry) => logs.push(entry),
      now: () => ms('2026-12-02T08:00:00Z'),
      atStart: true,
    });
    try {
      expect(reports.firstFile).toBe(join(folder, 'reports', '2026', '12', '01', 'daily.html'));
      await reports.firstRun;
      for (const name of ['daily', 'month-to-date'])
        for (const ext of ['json', 'csv', 'html'])
          expect(existsSync(join(folder, 'reports', '2026', '12', '01', `${name}.${ext}`))).toBe(true);
      expect(JSON.parse(readFileSync(join(folder, 'reports/2026/12/01/daily.json'), 'utf8'))).toMatchObject({
        from: '2026-12-01',
        to: '2026-12-01',
        previousPeriod: { from: '2026-11-30', to: '2026-11-30' },
      });
      expect(logs).toEqual([expect.objectContaining({ message: 'daily cost report written', day: '2026-12-01' })]);
    } finally {
      reports.stop();
    }
  });

  it('writes nothing at start for a table in memory (it starts empty), only at 01:00 UTC', async () => {
    const reports = await startLocalDailyReports({
      folder,
      tableName: process.env.TABLE_NAME as string,
      log: () => undefined,
      atStart: false,
    });
    await reports.firstRun;
    reports.stop();
    expect(reports.firstFile).toBeUndefined();
    expect(existsSync(join(folder, 'reports'))).toBe(false);
  });
});
