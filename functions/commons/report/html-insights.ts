import type { CostReport, NumberTrend } from '#pricing/cost-report';
import { coord, escapeHtml, formatMicros, formatUnits, micros, money } from './html-format';

/**
 * The page's first picture and its per-number part: the total with the previous period beside it,
 * the unpriced units and the caveats right under it (a reader must not miss that the figures are
 * estimates), and one line per business number with its daily trend drawn against the previous
 * period's (inline SVG, no script).
 */

/** `+12.5%`, `-3.0%`, `new` (nothing before), `–` (nothing either time). */
export const change = (now: number, before: number): string => {
  if (before === 0) return now === 0 ? '–' : 'new';
  const percent = Math.round(((now - before) / before) * 1000) / 10;
  return `${percent > 0 ? '+' : ''}${percent.toFixed(1)}%`;
};

export const headlineHtml = (report: CostReport): string => {
  const currency = report.currency;
  const out = ['<section class="headline">', '<h2>Estimated cost</h2>', '<dl class="headline-figures">'];
  out.push(`<dt>This period</dt><dd class="headline-total">${money(micros(report.total), currency)}</dd>`);
  if (report.previousPeriod) {
    const before = report.previousPeriod;
    out.push(
      `<dt>Previous period (${escapeHtml(before.from)} to ${escapeHtml(before.to)})</dt>` +
        `<dd class="headline-previous">${money(micros(before.total), currency)} ` +
        `<span class="change">${change(micros(report.total), micros(before.total))}</span></dd>`,
    );
  }
  if (report.unpricedUnits > 0)
    out.push(
      `<dt>Units without a rate</dt><dd class="headline-unpriced">${formatUnits(report.unpricedUnits)} ` +
        '(counted at 0, so the total is low by their cost)</dd>',
    );
  out.push('</dl>');
  if (report.caveats && report.caveats.length > 0)
    out.push('<ul class="caveats">', ...report.caveats.map((caveat) => `<li>${escapeHtml(caveat)}</li>`), '</ul>');
  out.push('</section>');
  return out.join('\n');
};

const SPARK = { width: 260, height: 44, pad: 3 };

/** The number's daily cost (bars) and the previous period's at the same places (a dashed line). */
export const trendSvg = (trend: NumberTrend, currency: string): string => {
  const { width, height, pad } = SPARK;
  const days = trend.days;
  const max = Math.max(1, ...days.map((d) => micros(d.cost)), ...days.map((d) => micros(d.previousCost)));
  const slot = (width - 2 * pad) / Math.max(1, days.length);
  const y = (value: number) => height - pad - (value / max) * (height - 2 * pad);
  const bars = days
    .map((d, i) => {
      const top = y(micros(d.cost));
      return (
        `<rect class="day" x="${coord(pad + i * slot + slot * 0.15)}" y="${coord(top)}" width="${coord(Math.max(1, slot * 0.7))}" ` +
        `height="${coord(height - pad - top)}" fill="#2a6fdb"><title>${escapeHtml(d.day)}: ${money(micros(d.cost), currency)} ` +
        `(${escapeHtml(d.previousDay)}: ${money(micros(d.previousCost), currency)})</title></rect>`
      );
    })
    .join('');
  const points = days.map((d, i) => `${coord(pad + (i + 0.5) * slot)},${coord(y(micros(d.previousCost)))}`).join(' ');
  const line =
    days.length > 1
      ? `<polyline class="previous" points="${points}" fill="none" stroke="#8a8a90" stroke-width="1.5" stroke-dasharray="3 2"/>`
      : '';
  return (
    `<svg class="trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-label="Daily cost of ${escapeHtml(trend.displayNumber ?? trend.phoneNumberId)}, previous period dashed">` +
    `<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#d6d6da"/>${bars}${line}</svg>`
  );
};

export const numbersHtml = (report: CostReport): string => {
  const numbers = report.numbers ?? [];
  const out = ['<section class="numbers">', '<h2>By business number</h2>'];
  if (numbers.length === 0) {
    out.push('<p class="empty">No business number had traffic in this period or the one before.</p>', '</section>');
    return out.join('\n');
  }
  const currency = escapeHtml(report.currency);
  out.push(
    '<table class="numbers">',
    '<thead><tr><th scope="col">Number</th><th scope="col">Daily cost (bars) against the previous period (dashed)</th>' +
      `<th scope="col" class="num">Cost (${currency})</th><th scope="col" class="num">Previous</th>` +
      '<th scope="col" class="num">Change</th><th scope="col" class="num">Billable</th>' +
      '<th scope="col" class="num">Free</th><th scope="col" class="num">Unpriced</th></tr></thead><tbody>',
    ...numbers.map((trend) => {
      const name = trend.displayNumber
        ? `${escapeHtml(trend.displayNumber)}<br><span class="id">${escapeHtml(trend.phoneNumberId)}</span>`
        : escapeHtml(trend.phoneNumberId);
      return (
        `<tr><th scope="row">${name}</th><td>${trendSvg(trend, report.currency)}</td>` +
        `<td class="num">${formatMicros(micros(trend.total))}</td><td class="num">${formatMicros(micros(trend.previousTotal))}</td>` +
        `<td class="num">${change(micros(trend.total), micros(trend.previousTotal))}</td>` +
        `<td class="num">${formatUnits(trend.billableUnits)}</td><td class="num">${formatUnits(trend.freeUnits)}</td>` +
        `<td class="num">${formatUnits(trend.unpricedUnits)}</td></tr>`
      );
    }),
    '</tbody></table>',
    '</section>',
  );
  return out.join('\n');
};

export const templatesHtml = (report: CostReport): string => {
  const templates = report.templates;
  if (templates === undefined) return '';
  const out = ['<section class="templates">', '<h2>Top templates by cost</h2>'];
  if (templates.length === 0) {
    out.push('<p class="empty">No template was delivered in this period.</p>', '</section>');
    return out.join('\n');
  }
  const total = micros(report.total);
  const share = (cost: number) => (total > 0 ? `${(Math.round((micros(cost) / total) * 1000) / 10).toFixed(1)}%` : '–');
  out.push(
    '<table class="templates">',
    '<thead><tr><th scope="col">Template</th><th scope="col">Category</th><th scope="col" class="num">Delivered</th>' +
      `<th scope="col" class="num">Billable</th><th scope="col" class="num">Cost (${escapeHtml(report.currency)})</th>` +
      '<th scope="col" class="num">Share</th></tr></thead><tbody>',
    ...templates.map(
      (t) =>
        `<tr><th scope="row">${escapeHtml(t.template)}</th><td>${escapeHtml(t.category)}</td>` +
        `<td class="num">${formatUnits(t.units)}</td><td class="num">${formatUnits(t.billableUnits)}` +
        `${t.unpricedUnits > 0 ? ` (${formatUnits(t.unpricedUnits)} without a rate)` : ''}</td>` +
        `<td class="num">${formatMicros(micros(t.cost))}</td><td class="num">${share(t.cost)}</td></tr>`,
    ),
    '</tbody></table>',
    '</section>',
  );
  return out.join('\n');
};

export const INSIGHTS_STYLE = `
dl.headline-figures { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
dl.headline-figures dt { color: #555; }
dl.headline-figures dd { margin: 0; font-variant-numeric: tabular-nums; }
dd.headline-total { font-weight: 700; font-size: 20px; }
dd.headline-unpriced { color: #8a4b00; font-weight: 600; }
.change { color: #555; margin-left: 6px; }
ul.caveats { margin: 8px 0 0; padding-left: 18px; color: #444; font-size: 13px; }
table.numbers td, table.numbers th { vertical-align: middle; }
table.numbers th[scope="row"] { white-space: nowrap; }
.id { color: #777; font-size: 12px; font-weight: normal; }
svg.trend { display: block; }
`.trim();
