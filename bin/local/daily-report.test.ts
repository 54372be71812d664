import { nextReportAt } from './daily-report.ts';

const ms = (iso: string) => Date.parse(iso);

describe('the local daily report schedule', () => {
  it('runs at 01:00 UTC, the next day once that has passed, to the second on both sides', () => {
    expect(nextReportAt(ms('2026-12-01T00:59:59Z'))).toBe(ms('2026-12-01T01:00:00Z'));
    expect(nextReportAt(ms('2026-12-01T01:00:00Z'))).toBe(ms('2026-12-02T01:00:00Z'));
    expect(nextReportAt(ms('2026-12-01T01:00:01Z'))).toBe(ms('2026-12-02T01:00:00Z'));
    expect(nextReportAt(ms('2026-12-31T23:00:00Z'))).toBe(ms('2027-01-01T01:00:00Z'));
  });
});
