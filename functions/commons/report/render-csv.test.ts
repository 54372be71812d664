import { costCell, pricedReport, withRows } from '#test/cost-cells';
import { costReportCsv, csvText, plainNumber } from './render-csv';

const cell = costCell;
const report = pricedReport;

/** A minimal RFC 4180 reader, to check the writer round-trips. */
const parseCsv = (text: string): string[][] => {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || record.length > 0) throw new Error('the last record has no CRLF');
  return records;
};

const HEADER =
  'day,phoneNumberId,country,market,category,pricingModel,billableUnits,freeUnits,rate,cost,currency,tier,unpriced';

describe('costReportCsv', () => {
  const month = report('2025-07-01', '2025-07-03', [
    cell('2025-07-01', 'IN', 'marketing', 10),
    cell('2025-07-01', 'DE', 'utility', 3),
    cell('2025-07-01', 'IN', 'service', 5, { pricingType: 'free_customer_service' }),
    cell('2025-07-02', 'BR', 'marketing', 1_234_567),
    cell('2025-07-02', 'IN', 'authentication', 200_000),
    cell('2025-07-03', 'US', 'marketing', 2, { phoneNumberId: 'A,"1"\nB' }),
  ]);

  it('writes a header, one line per row in report order and a TOTAL line, each ending CRLF', () => {
    const csv = costReportCsv(month);
    expect(csv.split('\r\n')).toEqual([
      HEADER,
      '2025-07-01,100000000000001,DE,Germany,utility,PMP,3,0,0.055,0.165,USD,,',
      '2025-07-01,100000000000001,IN,India,marketing,PMP,10,0,0.0107,0.107,USD,,',
      '2025-07-01,100000000000001,IN,India,service,PMP,0,5,0,0,USD,,',
      '2025-07-02,100000000000001,BR,Brazil,marketing,PMP,1234567,0,0.0625,77160.4375,USD,,',
      '2025-07-02,100000000000001,IN,India,authentication,PMP,200000,0,0.0014,280,USD,,',
      '2025-07-03,"A,""1""\nB",US,North America,marketing,PMP,2,0,0.025,0.05,USD,,',
      'TOTAL,,,,,,1434582,5,,77440.7595,USD,,',
      '',
    ]);
  });

  it('round-trips through an RFC 4180 reader, and the TOTAL equals the report total and the sum of the rows', () => {
    const records = parseCsv(costReportCsv(month));
    expect(records).toHaveLength(month.rows.length + 2);
    expect(records.every((r) => r.length === 13)).toBe(true);
    expect(records[6]?.[1]).toBe('A,"1"\nB');
    const rows = records.slice(1, -1);
    const total = records[records.length - 1] ?? [];
    const micros = rows.reduce((sum, r) => sum + Math.round(Number(r[9]) * 1e6), 0);
    expect(total[0]).toBe('TOTAL');
    expect(Number(total[9])).toBe(month.total);
    expect(Math.round(Number(total[9]) * 1e6)).toBe(micros);
    expect(Number(total[6])).toBe(rows.reduce((sum, r) => sum + Number(r[6]), 0));
    expect(Number(total[7])).toBe(rows.reduce((sum, r) => sum + Number(r[7]), 0));
  });

  it('flags unpriced rows, writes the tier, and quotes and neutralises hostile text', () => {
    const base = report('2025-07-01', '2025-07-01', [
      cell('2025-07-01', 'IN', '=HYPERLINK("http://x")', 4),
      cell('2025-07-01', 'IN', 'utility', 1_000_001),
    ]);
    const tiered = withRows(base, (row) => (row.category === 'utility' ? { ...row, tier: '1000000:MAX' } : row));
    expect(costReportCsv(tiered).split('\r\n')).toEqual([
      HEADER,
      `2025-07-01,100000000000001,IN,India,"'=hyperlink(""http://x"")",PMP,4,0,0,0,USD,,true`,
      '2025-07-01,100000000000001,IN,India,utility,PMP,1000001,0,0.0014,1400.0014,USD,1000000:MAX,',
      'TOTAL,,,,,,1000005,0,,1400.0014,USD,,',
      '',
    ]);
  });

  it('writes an empty report as a header and a zero TOTAL', () => {
    expect(costReportCsv(report('2025-07-01', '2025-07-31', []))).toBe(`${HEADER}\r\nTOTAL,,,,,,0,0,,0,USD,,\r\n`);
  });

  it('writes numbers in plain decimal, never with separators or exponents', () => {
    expect(plainNumber(1e-7)).toBe('0.0000001');
    expect(plainNumber(1.5e-9)).toBe('0.0000000015');
    expect(plainNumber(0.000001)).toBe('0.000001');
    expect(plainNumber(123456789.123456)).toBe('123456789.123456');
    expect(plainNumber(1e21)).toBe('1000000000000000000000');
    expect(plainNumber(-2.5e-7)).toBe('-0.00000025');
    expect(plainNumber(-0)).toBe('0');
    expect(() => plainNumber(Number.NaN)).toThrow('a report number must be finite, not NaN');
  });

  it('quotes per RFC 4180 only when needed: plain text stays as it is', () => {
    expect(csvText('plain text')).toBe('plain text');
  });

  it.each([
    ['a comma', 'a,b', '"a,b"'],
    ['a double quote, doubled', 'say "hi"', '"say ""hi"""'],
    ['a line break', 'two\r\nlines', '"two\r\nlines"'],
  ])('quotes per RFC 4180 a text holding %s', (_what, text, field) => {
    expect(csvText(text)).toBe(field);
  });

  it.each([
    ['+1 555', "'+1 555"],
    ['@sum', "'@sum"],
  ])('puts an apostrophe before %s, which a spreadsheet would read as a formula', (text, field) => {
    expect(csvText(text)).toBe(field);
  });
});
