import { foldableDay } from './aggregate-day';

describe('the day the daily report folds', () => {
  // 2026-12-01T01:00:00Z, the report's usual time
  const now = Date.UTC(2026, 11, 1, 1) / 1000;

  it('is two days past the retention: with 30 days, 2026-10-30', () => {
    expect(foldableDay(now, 30)).toBe('2026-10-30');
  });

  it('moves at midnight UTC, not a second earlier', () => {
    const midnight = Date.UTC(2026, 11, 1) / 1000;
    expect(foldableDay(midnight - 1, 30)).toBe('2026-10-29');
    expect(foldableDay(midnight, 30)).toBe('2026-10-30');
  });

  it('never folds inside the retention floor, even for a shorter setting', () => {
    expect(foldableDay(now, 1)).toBe('2026-11-21');
  });
});
