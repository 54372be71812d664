import type { CostReport, Reconciliation } from '#pricing/cost-report';
import { chartSvg, countriesByCost, dailyCost, dailyTableHtml, legendHtml, type CountryLine } from './html-chart';
import { compareText, escapeHtml, formatAmount, formatMicros, formatUnits, micros, money } from './html-format';
import { headlineHtml, INSIGHTS_STYLE, numbersHtml, templatesHtml } from './html-insights';

export { countriesByCost, type CountryLine } from './html-chart';
export { CATEGORY_COLOURS, categoryColour, escapeHtml, formatAmount, formatUnits } from './html-format';

/**
 * The cost report as one self-contained HTML page: no script, no network (a Content-Security-Policy
 * of `default-src 'none'` with inline styles only), readable in any browser, a mail client or printed.
 *
 * - a stacked bar chart of the daily cost by category, as inline SVG: one bar slot per day of the
 *   range, one segment per (day, category) with a cost above zero, each with a `<title>` tooltip;
 *   the same figures as a table in a `<details>` beneath it;
 * - the top countries by cost (the rest summed in one line);
 * - the totals, the unpriced units by category and country, the rate card versions and warnings;
 * - the reconciliation with Meta's figures, in its own section (saying so when there is nothing to show);
 * - above all, the total with the previous period, unpriced units and caveats beside it, and the
 *   per-number trends (html-insights.ts).
 *
 * Every string from the report or the options is HTML-escaped. Amounts are summed in integer
 * micro-units (each row's cost has at most 6 decimals) and formatted here, not with Intl, so the page
 * is byte-for-byte the same for the same input on any Node build.
 */

export interface CostReportHtmlOptions {
  title: string;
  /** shown as given (an ISO 8601 UTC time, say); the page holds no clock of its own */
  generatedAt: string;
}

export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';
/** Countries listed one by one in the top countries table; the rest share one line. */
export const TOP_COUNTRIES = 10;

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

const countriesHtml = (report: CostReport, totalMicros: number): string => {
  const lines = countriesByCost(report.rows);
  if (lines.length === 0) return '<p class="empty">No traffic in this period.</p>';
  const share = (cost: number) =>
    totalMicros > 0 ? `${(Math.round((cost / totalMicros) * 1000) / 10).toFixed(1)}%` : '–';
  const tr = (country: string, market: string, line: Omit<CountryLine, 'country' | 'markets'>, cls = '') =>
    `<tr${cls ? ` class="${cls}"` : ''}><th scope="row">${country}</th><td>${market}</td>` +
    `<td class="num">${formatUnits(line.billableUnits)}</td><td class="num">${formatUnits(line.freeUnits)}</td>` +
    `<td class="num">${formatMicros(line.cost)}</td><td class="num">${share(line.cost)}</td></tr>`;
  const body = lines
    .slice(0, TOP_COUNTRIES)
    .map((line) => tr(escapeHtml(line.country), escapeHtml(line.markets.join(' / ')), line, 'country'));
  const rest = lines.slice(TOP_COUNTRIES);
  if (rest.length > 0) {
    const sum = rest.reduce(
      (acc, line) => ({
        billableUnits: acc.billableUnits + line.billableUnits,
        freeUnits: acc.freeUnits + line.freeUnits,
        cost: acc.cost + line.cost,
      }),
      { billableUnits: 0, freeUnits: 0, cost: 0 },
    );
    body.push(tr(`${rest.length} other ${rest.length === 1 ? 'country' : 'countries'}`, '', sum, 'rest'));
  }
  return [
    '<table class="countries">',
    `<thead><tr><th scope="col">Country</th><th scope="col">Market</th><th scope="col" class="num">Billable units</th>` +
      `<th scope="col" class="num">Free units</th><th scope="col" class="num">Cost (${escapeHtml(report.currency)})</th>` +
      '<th scope="col" class="num">Share</th></tr></thead>',
    `<tbody>\n${body.join('\n')}\n</tbody>`,
    '</table>',
  ].join('\n');
};

const totalsHtml = (report: CostReport): string => {
  let billable = 0;
  let free = 0;
  const unpriced = new Map<string, { category: string; country: string; units: number }>();
  for (const row of report.rows) {
    billable += row.billableUnits;
    free += row.freeUnits;
    if (row.unpriced && row.billableUnits > 0) {
      const key = `${row.category}\u0000${row.country}`;
      const held = unpriced.get(key) ?? { category: row.category, country: row.country, units: 0 };
      held.units += row.billableUnits;
      unpriced.set(key, held);
    }
  }
  const out = [
    '<dl class="totals">',
    `<dt>Total cost</dt><dd class="total">${money(micros(report.total), report.currency)}</dd>`,
    `<dt>Billable units</dt><dd class="billable">${formatUnits(billable)}</dd>`,
    `<dt>Free units</dt><dd class="free">${formatUnits(free)}</dd>`,
  ];
  if (report.unpricedUnits > 0)
    out.push(
      `<dt>Unpriced units</dt><dd class="unpriced">${formatUnits(report.unpricedUnits)} ` +
        '(counted at 0: the rate card has no rate for them; check these)</dd>',
    );
  out.push(
    `<dt>Rate card versions</dt><dd class="versions">${
      report.rateCardVersions.length > 0 ? report.rateCardVersions.map(escapeHtml).join(', ') : 'none'
    }</dd>`,
    '</dl>',
  );
  if (unpriced.size > 0) {
    const lines = [...unpriced.values()]
      .sort((a, b) => compareText(a.category, b.category) || compareText(a.country, b.country))
      .map(
        (u) =>
          `<tr><td>${escapeHtml(u.category)}</td><td>${escapeHtml(u.country)}</td><td class="num">${formatUnits(u.units)}</td></tr>`,
      );
    out.push(
      '<table class="unpriced"><caption>Unpriced units</caption>',
      '<thead><tr><th scope="col">Category</th><th scope="col">Country</th><th scope="col" class="num">Units</th></tr></thead>',
      `<tbody>\n${lines.join('\n')}\n</tbody></table>`,
    );
  }
  if (report.warnings && report.warnings.length > 0)
    out.push(
      '<div class="warnings"><h3>Warnings</h3><ul>',
      ...report.warnings.map((w) => `<li>${escapeHtml(w)}</li>`),
      '</ul></div>',
    );
  return out.join('\n');
};

const reconciliationHtml = (reconciliation: Reconciliation, currency: string): string => {
  const out = ['<section class="reconciliation">', '<h2>Reconciliation with Meta</h2>'];
  const differences = reconciliation.classificationDifferences;
  const analytics = reconciliation.metaAnalytics;
  if (differences === undefined && analytics === undefined)
    out.push(
      '<p class="empty">Meta’s pricing on the statuses agreed with our own classification for every unit of this ' +
        'period; Meta’s pricing analytics were not compared (the report needs the WABA id and an access token).</p>',
    );
  /** A titled comparison table, or the sentence saying there is nothing to show. */
  const comparison = (title: string, empty: string, table: string, head: string, rows: string[]) => {
    out.push(`<h3>${title}</h3>`);
    if (rows.length === 0) out.push(`<p class="empty">${empty}</p>`);
    else out.push(`<table class="${table}">`, `<thead><tr>${head}</tr></thead><tbody>`, ...rows, '</tbody></table>');
  };
  if (differences !== undefined) {
    comparison(
      'Classification differences',
      'Meta classified every unit as we did.',
      'classification',
      '<th scope="col">Country</th><th scope="col">Our category</th><th scope="col">Our pricing type</th>' +
        '<th scope="col">Meta’s category</th><th scope="col">Meta’s pricing type</th>' +
        '<th scope="col" class="num">Units</th>',
      differences.map(
        (d) =>
          `<tr><td>${escapeHtml(d.country)}</td><td>${escapeHtml(d.category)}</td><td>${escapeHtml(d.pricingType)}</td>` +
          `<td>${escapeHtml(d.metaCategory)}</td><td>${escapeHtml(d.metaPricingType)}</td>` +
          `<td class="num">${formatUnits(d.units)}</td></tr>`,
      ),
    );
  }
  if (analytics !== undefined) {
    comparison(
      'Meta’s pricing analytics against this report',
      'No differences in volume or cost.',
      'analytics',
      '<th scope="col">Day</th><th scope="col">Country</th><th scope="col">Category</th>' +
        `<th scope="col" class="num">Volume difference</th><th scope="col" class="num">Cost difference (${escapeHtml(currency)})</th>`,
      analytics.map(
        (a) =>
          `<tr><td>${escapeHtml(a.day)}</td><td>${escapeHtml(a.country)}</td><td>${escapeHtml(a.category)}</td>` +
          `<td class="num">${formatUnits(a.volumeDifference)}</td><td class="num">${formatAmount(a.costDifference)}</td></tr>`,
      ),
    );
  }
  out.push('</section>');
  return out.join('\n');
};

const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; margin: 0; background: #f6f6f7; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
.meta { color: #555; margin: 0 0 16px; }
section { background: #fff; border: 1px solid #e1e1e4; border-radius: 6px; padding: 4px 18px 16px; margin-top: 16px; }
.chart { width: 100%; height: auto; display: block; }
.legend { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 6px 18px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; }
.legend .amount { color: #555; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #ececef; }
thead th { font-weight: 600; border-bottom: 2px solid #d6d6da; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.rest th { font-weight: normal; font-style: italic; color: #555; }
caption { text-align: left; font-weight: 600; padding: 8px 0 4px; }
dl.totals { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
dl.totals dt { color: #555; }
dl.totals dd { margin: 0; font-variant-numeric: tabular-nums; }
dd.total { font-weight: 700; font-size: 16px; }
.warnings { color: #8a4b00; }
.empty { color: #555; font-style: italic; }
details { margin-top: 8px; }
summary { cursor: pointer; color: #333; }
@media print { body { background: #fff; } section { border: none; padding: 0; } details { display: none; } }
`.trim();

export const costReportHtml = (report: CostReport, options: CostReportHtmlOptions): string => {
  const daily = dailyCost(report);
  const totalMicros = micros(report.total);
  const currency = report.currency;
  const period =
    report.from === report.to ? escapeHtml(report.from) : `${escapeHtml(report.from)} to ${escapeHtml(report.to)}`;
  const chart =
    daily.categories.length > 0
      ? [chartSvg(daily, currency), legendHtml(daily, currency), dailyTableHtml(daily, currency)].join('\n')
      : '<p class="empty">No billable cost in this period.</p>';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(options.title)}</title>`,
    `<style>\n${STYLE}\n${INSIGHTS_STYLE}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(options.title)}</h1>`,
    `<p class="meta">${period} (UTC) · total <strong>${money(totalMicros, currency)}</strong> · generated ${escapeHtml(options.generatedAt)}</p>`,
    headlineHtml(report),
    '<section class="daily-cost">',
    '<h2>Daily cost by category</h2>',
    chart,
    '</section>',
    numbersHtml(report),
    templatesHtml(report),
    '<section class="top-countries">',
    `<h2>Top countries by cost</h2>`,
    countriesHtml(report, totalMicros),
    '</section>',
    '<section class="summary">',
    '<h2>Totals</h2>',
    totalsHtml(report),
    '</section>',
    // Always its own section: "no differences" is a finding too.
    reconciliationHtml(report.reconciliation ?? {}, currency),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
};
