import type { CostReport, CostRow } from '#pricing/cost-report';
import { isDay } from '#pricing/rate-card';
import {
  categoryColour,
  compareCategories,
  compareText,
  coord,
  escapeHtml,
  formatMicros,
  micros,
  money,
} from './html-format';

/** The daily cost by category of a cost report, and its stacked bar chart as inline SVG. */

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

export interface DailyCost {
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

export const dailyCost = (report: CostReport): DailyCost => {
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

export const chartSvg = (daily: DailyCost, currency: string): string => {
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

export const legendHtml = (daily: DailyCost, currency: string): string => {
  const items = daily.categories.map(
    (category) =>
      `<li><span class="swatch" style="background:${categoryColour(category)}"></span>` +
      `<span class="category">${escapeHtml(category)}</span> ` +
      `<span class="amount">${money(daily.categoryTotals.get(category) ?? 0, currency)}</span></li>`,
  );
  return `<ul class="legend">\n${items.join('\n')}\n</ul>`;
};

export const dailyTableHtml = (daily: DailyCost, currency: string): string => {
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
