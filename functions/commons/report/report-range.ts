import { badRequest } from '#http/errors';
import { isDay } from '#pricing/rate-card';

/** A report covers at most this many UTC days. */
export const MAX_REPORT_DAYS = 366;

export interface ReportRange {
  from: string;
  to: string;
}

const dayNumber = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

/** The `from`/`to` of a report request, checked: real UTC days, in order, at most 366 days. */
export const parseReportRange = (from: string | undefined, to: string | undefined): ReportRange => {
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!value || !isDay(value)) {
      throw badRequest('INVALID_DATE_RANGE', `${name} must be a UTC day written YYYY-MM-DD, e.g. 2026-11-01.`);
    }
  }
  const range = { from: from as string, to: to as string };
  if (range.from > range.to) throw badRequest('INVALID_DATE_RANGE', `from (${range.from}) is after to (${range.to}).`);
  const days = dayNumber(range.to) - dayNumber(range.from) + 1;
  if (days > MAX_REPORT_DAYS) {
    throw badRequest(
      'INVALID_DATE_RANGE',
      `The range covers ${days} days; ask for at most ${MAX_REPORT_DAYS} days at a time.`,
    );
  }
  return range;
};

export const monthStart = (day: string): string => `${day.slice(0, 7)}-01`;
