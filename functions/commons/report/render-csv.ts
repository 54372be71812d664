import type { CostReport, CostRow } from '#pricing/cost-report';

/**
 * The cost report as CSV (RFC 4180): a header line, one line per row in the report's order, and a
 * final `TOTAL` line; every line ends with CRLF. Column names are the JSON field names, so the CSV and
 * the JSON read the same way. Numbers are written in plain decimal (no thousands separators, never in
 * exponent form), each exactly as the report holds it: costs have at most 6 decimals (micro-units),
 * rates up to the rate card's 12.
 *
 * Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR)
 * are prefixed with `'` (OWASP's advice on CSV injection): the report's strings come from webhooks
 * and a rate card file, and operators open this file in spreadsheets. No legitimate day, number id,
 * country, market, category, tier or currency starts with one of those characters.
 */

export const CSV_COLUMNS = [
  'day',
  'phoneNumberId',
  'country',
  'market',
  'category',
  'pricingModel',
  'billableUnits',
  'freeUnits',
  'rate',
  'cost',
  'currency',
  'tier',
  'unpriced',
] as const;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

const CRLF = '\r\n';
const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** A finite number in plain decimal notation: `1e-7` → `0.0000001`, `1e21` → `1000000000000000000000`. */
export const plainNumber = (value: number): string => {
  if (!Number.isFinite(value)) throw new RangeError(`a report number must be finite, not ${value}`);
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const sign = match[1] ?? '';
  const fraction = match[3] ?? '';
  const digits = (match[2] ?? '') + fraction;
  const exponent = Number(match[4]);
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (exponent >= fraction.length) return sign + digits + '0'.repeat(exponent - fraction.length);
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
};

/** One text cell: neutralised if a spreadsheet would read it as a formula, quoted when RFC 4180 needs it. */
export const csvText = (value: string): string => {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

const line = (cells: readonly string[]): string => cells.join(',') + CRLF;

const rowCells = (row: CostRow, currency: string): string[] => [
  csvText(row.day),
  csvText(row.phoneNumberId),
  csvText(row.country),
  csvText(row.market),
  csvText(row.category),
  csvText(row.pricingModel),
  plainNumber(row.billableUnits),
  plainNumber(row.freeUnits),
  plainNumber(row.rate),
  plainNumber(row.cost),
  csvText(currency),
  csvText(row.tier ?? ''),
  row.unpriced ? 'true' : '',
];

export const costReportCsv = (report: CostReport): string => {
  let billable = 0;
  let free = 0;
  let out = line(CSV_COLUMNS);
  for (const row of report.rows) {
    billable += row.billableUnits;
    free += row.freeUnits;
    out += line(rowCells(row, report.currency));
  }
  const total = CSV_COLUMNS.map((): string => '');
  total[0] = 'TOTAL';
  total[CSV_COLUMNS.indexOf('billableUnits')] = plainNumber(billable);
  total[CSV_COLUMNS.indexOf('freeUnits')] = plainNumber(free);
  total[CSV_COLUMNS.indexOf('cost')] = plainNumber(report.total);
  total[CSV_COLUMNS.indexOf('currency')] = csvText(report.currency);
  return out + line(total);
};
