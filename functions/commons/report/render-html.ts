import type { CostReport, CostRow, Reconciliation } from '#pricing/cost-report';
import { isDay } from '#pricing/rate-card';

/**
 * The cost report as one self-contained HTML page: no script, no network (a Content-Security-Policy
 * of `default-src 'none'` with inline styles only), readable in any browser, a mail client or printed.
 *
 * - a stacked bar chart of the daily cost by category, as inline SVG: one bar slot per day of the
 *   range, one segment per (day, category) with a cost above zero, each with a `<title>` tooltip;
 *   the same figures as a table in a `<details>` beneath it;
 * - the top countries by cost (the rest summed in one line);
 * - the totals, the unpriced units by category and country, the rate card versions and warnings;
 * - the reconciliation with Meta's figures, when the report carries one.
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

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML (and inline SVG) text and quoted attribute values. */
export const escapeHtml = (value: string): string => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** Fixed colours for the categories the rate cards know, in stacking order (bottom first). */
export const CATEGORY_COLOURS: Readonly<Record<string, string>> = {
  marketing: '#4e79a7',
  marketing_lite: '#a0cbe8',
  utility: '#f28e2b',
  authentication: '#59a14f',
  authentication_international: '#8cd17d',
  service: '#e15759',
  referral_conversion: '#b6992d',
  business_initiated: '#b07aa1',
  user_initiated: '#ff9da7',
};
const KNOWN_ORDER = Object.keys(CATEGORY_COLOURS);

/** The colour of a category: a fixed one when known, else a hue hashed from its name (FNV-1a). */
export const categoryColour = (category: string): string => {
  const fixed = Object.hasOwn(CATEGORY_COLOURS, category) ? CATEGORY_COLOURS[category] : undefined;
  if (fixed) return fixed;
  let hash = 0x811c9dc5;
  for (let i = 0; i < category.length; i++) hash = Math.imul(hash ^ category.charCodeAt(i), 0x01000193) >>> 0;
  return `hsl(${hash % 360}, 45%, 48%)`;
};

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const compareCategories = (a: string, b: string): number => {
  const [ia, ib] = [KNOWN_ORDER.indexOf(a), KNOWN_ORDER.indexOf(b)];
  if (ia !== -1 || ib !== -1) return ia === -1 ? 1 : ib === -1 ? -1 : ia - ib;
  return compareText(a, b);
};

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/** A report amount (at most 6 decimals) as integer micro-units. */
const micros = (amount: number): number => Math.round(amount * 1e6);

const group = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Whole units with thousands separators: 1234567 → 1,234,567. */
export const formatUnits = (units: number): string =>
  (units < 0 ? '-' : '') + group(String(Math.abs(Math.round(units))));

/** Micro-units as an amount with thousands separators, 2 to 6 decimals: 20475000 → 20.475, 0 → 0.00. */
const formatMicros = (value: number): string => {
  const negative = value < 0;
  const abs = Math.abs(Math.round(value));
  const whole = Math.floor(abs / 1e6);
  const fraction = String(abs % 1e6)
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${negative ? '-' : ''}${group(String(whole))}.${fraction.padEnd(2, '0')}`;
};

/** A report amount (at most 6 decimals) with thousands separators and 2 to 6 decimals. */
export const formatAmount = (amount: number): string => formatMicros(micros(amount));

const money = (value: number, currency: string): string => `${formatMicros(value)} ${escapeHtml(currency)}`;

/** A coordinate with at most 2 decimals, for a compact and stable SVG. */
const coord = (value: number): string => String(Math.round(value * 100) / 100);

// ---------------------------------------------------------------------------------------------
// Aggregation
// ---------------------------------------------------------------------------------------------

/** Every day from `from` to `to` when both are days and the range is sane, else the days the rows name. */
const daysOf = (report: CostReport): string[] => {
  const fromRows = () => [...new Set(report.rows.map((row) => row.day))].sort(compareText);
  if (!isDay(report.from) || !isDay(report.to) || report.from > report.to) return fromRows();
  const days: string[] = [];
  const end = Date.parse(`${report.to}T00:00:00Z`);
  for (let t = Date.parse(`${report.from}T00:00:00Z`); t <= end; t += 86_400_000) {
    if (days.length >= 1_000) return fromRows();
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  for (const row of report.rows) if (row.day < report.from || row.day > report.to) return fromRows();
  return days;
};

interface DailyCost {
  days: string[];
  /** categories with some cost, in stacking order */
  categories: string[];
  /** day → category → micro-units (cost > 0 only) */
  cost: Map<string, Map<string, number>>;
  /** category → micro-units over the range */
  categoryTotals: Map<string, number>;
  /** day → micro-units */
  dayTotals: Map<string, number>;
}

const dailyCost = (report: CostReport): DailyCost => {
  const cost = new Map<string, Map<string, number>>();
  const categoryTotals = new Map<string, number>();
  const dayTotals = new Map<string, number>();
  for (const row of report.rows) {
    const amount = micros(row.cost);
    if (amount <= 0) continue;
    let day = cost.get(row.day);
    if (!day) cost.set(row.day, (day = new Map()));
    day.set(row.category, (day.get(row.category) ?? 0) + amount);
    categoryTotals.set(row.category, (categoryTotals.get(row.category) ?? 0) + amount);
    dayTotals.set(row.day, (dayTotals.get(row.day) ?? 0) + amount);
  }
  return {
    days: daysOf(report),
    categories: [...categoryTotals.keys()].sort(compareCategories),
    cost,
    categoryTotals,
    dayTotals,
  };
};

export interface CountryLine {
  country: string;
  markets: string[];
  billableUnits: number;
  freeUnits: number;
  /** micro-units */
  cost: number;
}

/** Countries by cost, highest first (then billable units, then country code). */
export const countriesByCost = (rows: readonly CostRow[]): CountryLine[] => {
  const byCountry = new Map<string, CountryLine & { marketSet: Set<string> }>();
  for (const row of rows) {
    let line = byCountry.get(row.country);
    if (!line) {
      line = { country: row.country, markets: [], marketSet: new Set(), billableUnits: 0, freeUnits: 0, cost: 0 };
      byCountry.set(row.country, line);
    }
    line.marketSet.add(row.market);
    line.billableUnits += row.billableUnits;
    line.freeUnits += row.freeUnits;
    line.cost += micros(row.cost);
  }
  return [...byCountry.values()]
    .map(({ marketSet, ...line }) => ({ ...line, markets: [...marketSet].sort(compareText) }))
    .sort((a, b) => b.cost - a.cost || b.billableUnits - a.billableUnits || compareText(a.country, b.country));
};

// ---------------------------------------------------------------------------------------------
// Chart
// ---------------------------------------------------------------------------------------------

const CHART = { width: 960, height: 320, left: 84, right: 16, top: 16, bottom: 36 };

/** An axis maximum and step: the smallest 1, 2, 2.5 or 5 × 10^k step giving at most 5 ticks above max. */
const niceScale = (max: number): { top: number; step: number } => {
  if (max <= 0) return { top: 1, step: 0.25 };
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  return { top: Math.ceil(max / step - 1e-9) * step, step };
};

const chartSvg = (daily: DailyCost, currency: string): string => {
  const { width, height, left, right, top, bottom } = CHART;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const { days } = daily;
  const maxDay = Math.max(0, ...daily.dayTotals.values()) / 1e6;
  const scale = niceScale(maxDay);
  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(1, slot * 0.72);
  const y = (amount: number) => top + plotHeight - (amount / scale.top) * plotHeight;
  const spansYears = days.length > 0 && days[0]?.slice(0, 4) !== days[days.length - 1]?.slice(0, 4);
  const labelEvery = Math.max(1, Math.ceil(days.length / (spansYears ? 10 : 16)));

  const out: string[] = [];
  out.push(
    `<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 ${width} ${height}" ` +
      `width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="chart-title">Daily cost by category, ${escapeHtml(currency)}</title>`,
  );
  // y axis: grid lines and labels
  out.push('<g class="y-axis">');
  for (let i = 0; i * scale.step <= scale.top + 1e-9; i++) {
    const value = i * scale.step;
    const at = coord(y(value));
    out.push(
      `<line x1="${left}" x2="${width - right}" y1="${at}" y2="${at}" stroke="#e3e3e3"/>`,
      `<text x="${left - 6}" y="${at}" text-anchor="end" dominant-baseline="middle" fill="#444">${formatMicros(Math.round(value * 1e6))}</text>`,
    );
  }
  out.push(
    `<text transform="translate(14 ${coord(top + plotHeight / 2)}) rotate(-90)" text-anchor="middle" fill="#444">${escapeHtml(currency)}</text>`,
    '</g>',
  );
  // bars
  out.push('<g class="bars">');
  days.forEach((day, index) => {
    const byCategory = daily.cost.get(day);
    if (!byCategory) return;
    const x = coord(left + index * slot + (slot - barWidth) / 2);
    let base = 0;
    for (const category of daily.categories) {
      const amount = byCategory.get(category);
      if (amount === undefined || amount <= 0) continue;
      const y1 = y((base + amount) / 1e6);
      const y0 = y(base / 1e6);
      base += amount;
      out.push(
        `<rect class="segment" data-day="${escapeHtml(day)}" data-category="${escapeHtml(category)}" ` +
          `x="${x}" y="${coord(y1)}" width="${coord(barWidth)}" height="${coord(y0 - y1)}" ` +
          `fill="${categoryColour(category)}"><title>${escapeHtml(day)} · ${escapeHtml(category)}: ` +
          `${money(amount, currency)}</title></rect>`,
      );
    }
  });
  out.push('</g>');
  // x axis: baseline and day labels
  const baseline = coord(top + plotHeight);
  out.push(
    '<g class="x-axis">',
    `<line x1="${left}" x2="${width - right}" y1="${baseline}" y2="${baseline}" stroke="#888"/>`,
  );
  days.forEach((day, index) => {
    if (index % labelEvery !== 0) return;
    const x = coord(left + index * slot + slot / 2);
    out.push(
      `<line x1="${x}" x2="${x}" y1="${baseline}" y2="${coord(top + plotHeight + 4)}" stroke="#888"/>`,
      `<text class="day-label" x="${x}" y="${coord(top + plotHeight + 18)}" text-anchor="middle" fill="#444">` +
        `${escapeHtml(spansYears ? day : day.slice(5))}</text>`,
    );
  });
  out.push('</g>', '</svg>');
  return out.join('\n');
};

const legendHtml = (daily: DailyCost, currency: string): string => {
  const items = daily.categories.map(
    (category) =>
      `<li><span class="swatch" style="background:${categoryColour(category)}"></span>` +
      `<span class="category">${escapeHtml(category)}</span> ` +
      `<span class="amount">${money(daily.categoryTotals.get(category) ?? 0, currency)}</span></li>`,
  );
  return `<ul class="legend">\n${items.join('\n')}\n</ul>`;
};

const dailyTableHtml = (daily: DailyCost, currency: string): string => {
  const head = daily.categories.map((c) => `<th scope="col" class="num">${escapeHtml(c)}</th>`).join('');
  const body = daily.days
    .filter((day) => daily.cost.has(day))
    .map((day) => {
      const byCategory = daily.cost.get(day);
      const cells = daily.categories
        .map((c) => `<td class="num">${formatMicros(byCategory?.get(c) ?? 0)}</td>`)
        .join('');
      return `<tr><th scope="row">${escapeHtml(day)}</th>${cells}<td class="num">${formatMicros(daily.dayTotals.get(day) ?? 0)}</td></tr>`;
    });
  return [
    `<details><summary>The chart as a table (${escapeHtml(currency)})</summary>`,
    `<table class="daily"><thead><tr><th scope="col">Day</th>${head}<th scope="col" class="num">Total</th></tr></thead>`,
    `<tbody>\n${body.join('\n')}\n</tbody></table></details>`,
  ].join('\n');
};

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
  if (differences === undefined && analytics === undefined) out.push('<p class="empty">No reconciliation data.</p>');
  if (differences !== undefined) {
    out.push('<h3>Classification differences</h3>');
    if (differences.length === 0) out.push('<p class="empty">Meta classified every unit as we did.</p>');
    else
      out.push(
        '<table class="classification">',
        '<thead><tr><th scope="col">Country</th><th scope="col">Our category</th><th scope="col">Our pricing type</th>' +
          '<th scope="col">Meta’s category</th><th scope="col">Meta’s pricing type</th>' +
          '<th scope="col" class="num">Units</th></tr></thead><tbody>',
        ...differences.map(
          (d) =>
            `<tr><td>${escapeHtml(d.country)}</td><td>${escapeHtml(d.category)}</td><td>${escapeHtml(d.pricingType)}</td>` +
            `<td>${escapeHtml(d.metaCategory)}</td><td>${escapeHtml(d.metaPricingType)}</td>` +
            `<td class="num">${formatUnits(d.units)}</td></tr>`,
        ),
        '</tbody></table>',
      );
  }
  if (analytics !== undefined) {
    out.push('<h3>Meta’s pricing analytics against this report</h3>');
    if (analytics.length === 0) out.push('<p class="empty">No differences in volume or cost.</p>');
    else
      out.push(
        '<table class="analytics">',
        '<thead><tr><th scope="col">Day</th><th scope="col">Country</th><th scope="col">Category</th>' +
          `<th scope="col" class="num">Volume difference</th><th scope="col" class="num">Cost difference (${escapeHtml(currency)})</th></tr></thead><tbody>`,
        ...analytics.map(
          (a) =>
            `<tr><td>${escapeHtml(a.day)}</td><td>${escapeHtml(a.country)}</td><td>${escapeHtml(a.category)}</td>` +
            `<td class="num">${formatUnits(a.volumeDifference)}</td><td class="num">${formatAmount(a.costDifference)}</td></tr>`,
        ),
        '</tbody></table>',
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
    `<style>\n${STYLE}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(options.title)}</h1>`,
    `<p class="meta">${period} (UTC) · total <strong>${money(totalMicros, currency)}</strong> · generated ${escapeHtml(options.generatedAt)}</p>`,
    '<section class="daily-cost">',
    '<h2>Daily cost by category</h2>',
    chart,
    '</section>',
    '<section class="top-countries">',
    `<h2>Top countries by cost</h2>`,
    countriesHtml(report, totalMicros),
    '</section>',
    '<section class="summary">',
    '<h2>Totals</h2>',
    totalsHtml(report),
    '</section>',
    ...(report.reconciliation ? [reconciliationHtml(report.reconciliation, currency)] : []),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
};
