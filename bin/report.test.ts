import { formatReport, parseReportArgs, unreachable } from './report.ts';
import type { CostReport } from '../functions/commons/pricing/cost-report.ts';

/** A one-day report with no rows: what formatReport prints around the rows. */
const dayReport = (day: string, total: number): CostReport => ({
  from: day,
  to: day,
  currency: 'USD',
  total,
  rows: [],
  rateCardVersions: ['2026-10-01'],
  unpricedUnits: 0,
});

describe('npm run report', () => {
  it('asks the API on PORT when no --url is given', () => {
    expect(parseReportArgs(['--from', '2026-11-01', '--to', '2026-11-02'], { PORT: '4100' }).url).toBe(
      'http://localhost:4100',
    );
  });

  it('asks port 3000 when PORT is unset or empty', () => {
    expect(parseReportArgs([], {}).url).toBe('http://localhost:3000');
    expect(parseReportArgs([], { PORT: '' }).url).toBe('http://localhost:3000');
  });

  it('takes --help', () => {
    expect(parseReportArgs(['--help'], {}).help).toBe(true);
  });

  it('takes --html FILE, and no file when it is left out', () => {
    expect(parseReportArgs(['--html', 'cost.html'], {}).html).toBe('cost.html');
    expect(parseReportArgs([], {}).html).toBeUndefined();
  });

  it('refuses an unknown option', () => {
    expect(() => parseReportArgs(['--bogus'], {})).toThrow(/bogus/);
  });

  it('names the URL it could not reach and the cause', () => {
    const error = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:4100') });
    expect(unreachable('http://localhost:4100', error)).toBe(
      'Could not reach the API at http://localhost:4100 (connect ECONNREFUSED 127.0.0.1:4100). ' +
        'Is npm start running there? Pass --url or set PORT.',
    );
  });

  it('prints the total to 4 decimals, like the API', () => {
    expect(formatReport(dayReport('2026-11-01', 0.0034))).toContain('Total: 0.0034 USD');
  });

  it('prints the previous period, each number with its display number, and the caveats under the total', () => {
    const report: CostReport = {
      ...dayReport('2026-11-02', 0.0068),
      previousPeriod: { from: '2026-11-01', to: '2026-11-01', total: 0.0034, unpricedUnits: 0 },
      numbers: [
        {
          phoneNumberId: '100000000000001',
          displayNumber: '+15550000000',
          total: 0.0068,
          previousTotal: 0.0034,
          billableUnits: 2,
          freeUnits: 0,
          unpricedUnits: 0,
          days: [],
        },
      ],
      caveats: ['Estimates: from the rate card.'],
    };
    const text = formatReport(report).split('\n');
    const total = text.indexOf('Total: 0.0068 USD');
    expect(text.slice(total, total + 4)).toEqual([
      'Total: 0.0068 USD',
      'Previous period 2026-11-01 to 2026-11-01: 0.0034 USD',
      '  +15550000000 (100000000000001): 0.0068 USD, previous period 0.0034',
      '* Estimates: from the rate card.',
    ]);
  });
});
