import { ApiError } from '#http/errors';
import { parseReportRange } from './report-range';

const refusal = (from?: string, to?: string) => {
  try {
    parseReportRange(from, to);
  } catch (error) {
    return error instanceof ApiError ? `${error.status} ${error.code}` : 'other';
  }
  return 'accepted';
};

describe('report date range', () => {
  it('accepts a day, a month and exactly 366 days', () => {
    expect(parseReportRange('2026-11-01', '2026-11-01')).toEqual({ from: '2026-11-01', to: '2026-11-01' });
    expect(refusal('2026-11-01', '2026-11-30')).toBe('accepted');
    expect(refusal('2024-01-01', '2024-12-31')).toBe('accepted');
  });
  it('refuses 367 days, a reversed range and malformed days with 400', () => {
    expect(refusal('2024-01-01', '2025-01-01')).toBe('400 INVALID_DATE_RANGE');
    expect(refusal('2026-11-02', '2026-11-01')).toBe('400 INVALID_DATE_RANGE');
    for (const [from, to] of [
      ['2026-11-31', '2026-12-01'],
      ['2026-1-01', '2026-12-01'],
      ['yesterday', '2026-12-01'],
      [undefined, '2026-12-01'],
      ['2026-11-01', undefined],
    ] as const) {
      expect(refusal(from, to)).toBe('400 INVALID_DATE_RANGE');
    }
  });
});
