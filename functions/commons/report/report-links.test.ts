import { reportLinks, storedReportKey } from './report-links';
import { FileReportSink } from './file-report-sink';
import { S3ReportSink } from './s3-report-sink';

describe('the stored page a link names', () => {
  it('is the latest daily page without a range, the day for from = to, the month to date from the 1st', () => {
    expect(storedReportKey(undefined, undefined)).toBe('reports/latest/daily.html');
    expect(storedReportKey('2026-11-30', '2026-11-30')).toBe('reports/2026/11/30/daily.html');
    expect(storedReportKey('2026-11-01', '2026-11-30')).toBe('reports/2026/11/30/month-to-date.html');
    expect(storedReportKey('2026-11-01', '2026-11-01')).toBe('reports/2026/11/01/daily.html');
  });

  it('refuses another range with what is stored, and a half or broken range as the report does', () => {
    expect(() => storedReportKey('2026-11-02', '2026-11-30')).toThrow(
      expect.objectContaining({ status: 400, code: 'NO_STORED_REPORT_FOR_RANGE' }),
    );
    expect(() => storedReportKey('2026-11-02', '2026-11-30')).toThrow('(from = 2026-11-01, to = 2026-11-30)');
    expect(() => storedReportKey('2026-11-02', undefined)).toThrow(
      expect.objectContaining({ code: 'INVALID_DATE_RANGE' }),
    );
    expect(() => storedReportKey('2026-11-31', '2026-11-31')).toThrow(
      expect.objectContaining({ code: 'INVALID_DATE_RANGE' }),
    );
  });
});

describe('where stored reports are read', () => {
  it('is the data folder when REPORT_FOLDER is set, else the bucket', () => {
    const local = { REPORT_FOLDER: '/tmp/x', REPORT_LINK_URL: 'http://127.0.0.1:1', REPORT_LINK_SECRET: 's' };
    expect(reportLinks(local)).toBeInstanceOf(FileReportSink);
    expect(reportLinks({ REPORT_BUCKET: 'reports-bucket' })).toBeInstanceOf(S3ReportSink);
    expect(() => reportLinks({})).toThrow('REPORT_BUCKET is not set');
    expect(() => reportLinks({ REPORT_FOLDER: '/tmp/x' })).toThrow('REPORT_FOLDER needs REPORT_LINK_URL');
  });
});
