import type { CostReport } from '#pricing/cost-report';
import { costCell, pricedReport, withRows } from '#test/cost-cells';
import { categoryColour, costReportHtml, escapeHtml, formatAmount, formatUnits, TOP_COUNTRIES } from './render-html';

const cell = costCell;
const report = pricedReport;

const options = { title: 'WhatsApp cost report July 2025', generatedAt: '2025-07-06T01:00:04.000Z' };

/** Five days, several countries and categories, a free row, a day without traffic. */
const week = report('2025-07-01', '2025-07-05', [
  cell('2025-07-01', 'IN', 'marketing', 100),
  cell('2025-07-01', 'IN', 'utility', 4_000),
  cell('2025-07-01', 'DE', 'marketing', 12),
  cell('2025-07-01', 'BR', 'service', 30, { pricingType: 'free_customer_service' }),
  cell('2025-07-02', 'BR', 'marketing', 500),
  cell('2025-07-02', 'BR', 'authentication', 80, { phoneNumberId: '100000000000002' }),
  cell('2025-07-02', 'US', 'utility', 25),
  cell('2025-07-02', 'IN', 'utility', 9, { pricingType: 'free_customer_service' }),
  // 2025-07-03: nothing
  cell('2025-07-04', 'DE', 'authentication', 7),
  cell('2025-07-04', 'IN', 'marketing', 3, { phoneNumberId: '100000000000002' }),
  cell('2025-07-05', 'US', 'marketing', 61),
  cell('2025-07-05', 'IN', 'unclassified', 2),
]);

const segments = (html: string) =>
  [
    ...html.matchAll(
      /<rect class="segment" data-day="([^"]*)" data-category="([^"]*)"[^>]*fill="([^"]*)"><title>([^<]*)<\/title><\/rect>/g,
    ),
  ].map((m) => ({ day: m[1], category: m[2], fill: m[3], title: m[4] }));

/** The body rows of a table with the given class, as arrays of cell texts. */
const tableRows = (html: string, cls: string): string[][] => {
  const table = new RegExp(`<table class="${cls}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((tr) =>
    [...(tr[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((td) => td[1] ?? ''),
  );
};

const micros = (amount: number) => Math.round(amount * 1e6);

describe('costReportHtml', () => {
  const html = costReportHtml(week, options);

  it('is one self-contained page: no script, no external resource, a CSP that forbids fetching anything', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(src|href|srcset|action)=|url\(|@import|<link|<iframe|<object|<img/i);
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
    expect(html).toContain('<title>WhatsApp cost report July 2025</title>');
    expect(html).toContain('generated 2025-07-06T01:00:04.000Z');
  });

  it('draws one stacked segment per (day, category) with a cost, each with a tooltip', () => {
    const expected = new Map<string, number>();
    for (const row of week.rows)
      if (row.cost > 0)
        expected.set(
          `${row.day} ${row.category}`,
          (expected.get(`${row.day} ${row.category}`) ?? 0) + micros(row.cost),
        );
    const drawn = segments(html);
    expect(drawn.map((s) => `${s.day} ${s.category}`).sort()).toEqual([...expected.keys()].sort());
    expect(drawn).toHaveLength(8);
    for (const s of drawn) {
      expect(s.fill).toBe(categoryColour(s.category ?? ''));
      expect(s.title).toBe(
        `${s.day} · ${s.category}: ${formatAmount((expected.get(`${s.day} ${s.category}`) ?? 0) / 1e6)} USD`,
      );
    }
    expect(drawn.find((s) => s.day === '2025-07-02' && s.category === 'marketing')?.title).toBe(
      '2025-07-02 · marketing: 31.25 USD',
    );
    // free and unpriced units draw nothing
    expect(drawn.some((s) => s.category === 'service' || s.category === 'unclassified')).toBe(false);
  });

  it('stacks the segments of a day from the baseline, their heights proportional to cost', () => {
    const rects = [
      ...html.matchAll(
        /<rect class="segment" data-day="2025-07-01"[^>]* y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g,
      ),
    ];
    expect(rects).toHaveLength(2); // marketing (IN + DE), utility
    const [first, second] = rects.map((m) => ({ y: Number(m[1]), height: Number(m[2]) }));
    expect((first?.y ?? 0) + (first?.height ?? 0)).toBeCloseTo(320 - 36, 1); // on the x axis
    expect((second?.y ?? 0) + (second?.height ?? 0)).toBeCloseTo(first?.y ?? 0, 1);
    const cost = (category: string) =>
      week.rows.filter((r) => r.day === '2025-07-01' && r.category === category).reduce((t, r) => t + r.cost, 0);
    expect((first?.height ?? 0) / (second?.height ?? 1)).toBeCloseTo(cost('marketing') / cost('utility'), 1);
  });

  it('labels every day of the range on the axis, including days without cost', () => {
    const labels = [...html.matchAll(/<text class="day-label"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['07-01', '07-02', '07-03', '07-04', '07-05']);
  });

  it('has a legend of the charted categories with their colours and period cost', () => {
    const legend = /<ul class="legend">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
    const items = [
      ...legend.matchAll(
        /background:([^"]+)"><\/span><span class="category">([^<]*)<\/span> <span class="amount">([^<]*)</g,
      ),
    ].map((m) => [m[2], m[1], m[3]]);
    const total = (category: string) =>
      week.rows.filter((r) => r.category === category).reduce((t, r) => t + micros(r.cost), 0);
    expect(items).toEqual(
      ['marketing', 'utility', 'authentication'].map((c) => [
        c,
        categoryColour(c),
        `${formatAmount(total(c) / 1e6)} USD`,
      ]),
    );
  });

  it('gives each category a fixed colour, and a stable hashed one to a category it does not know', () => {
    expect(categoryColour('marketing')).toBe('#4e79a7');
    expect(categoryColour('utility')).toBe('#f28e2b');
    expect(categoryColour('marketing_lite')).not.toBe(categoryColour('marketing'));
    expect(categoryColour('brand_new')).toMatch(/^hsl\(\d{1,3}, 45%, 48%\)$/);
    expect(categoryColour('brand_new')).toBe(categoryColour('brand_new'));
    expect(categoryColour('toString')).toMatch(/^hsl\(/); // not an inherited property
  });

  it('lists the countries by cost, highest first, with market, billable and free units', () => {
    const rows = tableRows(html, 'countries');
    const expected = [...new Set(week.rows.map((r) => r.country))]
      .map((country) => {
        const mine = week.rows.filter((r) => r.country === country);
        return {
          country,
          market: mine[0]?.market ?? '',
          billable: mine.reduce((t, r) => t + r.billableUnits, 0),
          free: mine.reduce((t, r) => t + r.freeUnits, 0),
          cost: mine.reduce((t, r) => t + micros(r.cost), 0),
        };
      })
      .sort((a, b) => b.cost - a.cost);
    expect(rows.map((r) => r.slice(0, 5))).toEqual(
      expected.map((e) => [
        e.country,
        e.market,
        formatUnits(e.billable),
        formatUnits(e.free),
        formatAmount(e.cost / 1e6),
      ]),
    );
    expect(rows.map((r) => r[0])).toEqual(['BR', 'IN', 'DE', 'US']);
    expect(rows[0]).toEqual(['BR', 'Brazil', '580', '30', '33.77', '76.3%']);
  });

  it(`keeps the top ${TOP_COUNTRIES} countries and sums the rest in one line`, () => {
    const countries = ['AR', 'BR', 'CO', 'DE', 'EG', 'FR', 'GB', 'ID', 'IN', 'IT', 'MX', 'NG', 'US'];
    const many = report(
      '2025-07-01',
      '2025-07-01',
      countries.map((country, i) => cell('2025-07-01', country, 'marketing', 1_000 + i)),
    );
    const rows = tableRows(costReportHtml(many, options), 'countries');
    expect(rows).toHaveLength(TOP_COUNTRIES + 1);
    const costs = rows.slice(0, TOP_COUNTRIES).map((r) => Number((r[4] ?? '').replace(/,/g, '')));
    expect(costs).toEqual([...costs].sort((a, b) => b - a));
    const rest = rows[TOP_COUNTRIES] ?? [];
    expect(rest[0]).toBe('3 other countries');
    const listed = new Set(rows.slice(0, TOP_COUNTRIES).map((r) => r[0]));
    const restRows = many.rows.filter((r) => !listed.has(r.country));
    expect(restRows.map((r) => r.country)).toHaveLength(3);
    expect(rest[2]).toBe(restRows.reduce((t, r) => t + r.billableUnits, 0).toLocaleString('en-US'));
    expect(rest[4]).toBe(formatAmount(restRows.reduce((t, r) => t + micros(r.cost), 0) / 1e6));
  });

  it('shows the totals: cost in the report currency, billable, free and unpriced units, rate card versions', () => {
    const billable = week.rows.reduce((t, r) => t + r.billableUnits, 0);
    const free = week.rows.reduce((t, r) => t + r.freeUnits, 0);
    expect(html).toContain(`<dd class="total">${formatAmount(week.total)} USD</dd>`);
    expect(formatAmount(week.total)).toBe('44.2727');
    expect(html).toContain(`<dd class="billable">${billable.toLocaleString('en-US')}</dd>`);
    expect(html).toContain(`<dd class="free">${free}</dd>`);
    expect(week.unpricedUnits).toBe(2);
    expect(html).toContain('<dd class="unpriced">2 (counted at 0');
    expect(tableRows(html, 'unpriced')).toEqual([['unclassified', 'IN', '2']]);
    expect(html).toContain('<dd class="versions">2025-07-01</dd>');
    expect(html).toContain('<section class="reconciliation">');
    expect(html).toContain('agreed with our own classification for every unit');
  });

  it('formats large totals with separators and keeps micro-unit precision', () => {
    const big = report('2025-07-02', '2025-07-02', [cell('2025-07-02', 'BR', 'marketing', 1_234_567)]);
    expect(big.total).toBe(77160.4375);
    expect(costReportHtml(big, options)).toContain('<dd class="total">77,160.4375 USD</dd>');
    expect(formatAmount(0)).toBe('0.00');
    expect(formatAmount(0.000001)).toBe('0.000001');
    expect(formatAmount(-1.5)).toBe('-1.50');
  });

  it('omits the unpriced line when everything is priced', () => {
    const priced = report('2025-07-01', '2025-07-01', [cell('2025-07-01', 'IN', 'marketing', 1)]);
    const page = costReportHtml(priced, options);
    expect(page).not.toContain('Unpriced');
  });

  it('shows the reconciliation when the report carries one, escaped', () => {
    const reconciled: CostReport = {
      ...week,
      reconciliation: {
        classificationDifferences: [
          {
            country: 'IN',
            category: 'utility',
            pricingType: 'free_customer_service',
            metaCategory: 'marketing',
            metaPricingType: 'regular',
            units: 3,
          },
        ],
        metaAnalytics: [
          { day: '2025-07-02', country: 'BR', category: 'marketing', volumeDifference: -2, costDifference: -0.125 },
        ],
      },
      warnings: ['2025-07-02 message 1 BR <b>marketing</b> regular: -1 units after summing the shards, counted as 0'],
    };
    const page = costReportHtml(reconciled, options);
    expect(page).toContain('<section class="reconciliation">');
    expect(tableRows(page, 'classification')).toEqual([
      ['IN', 'utility', 'free_customer_service', 'marketing', 'regular', '3'],
    ]);
    expect(tableRows(page, 'analytics')).toEqual([['2025-07-02', 'BR', 'marketing', '-2', '-0.125']]);
    expect(page).toContain('<li>2025-07-02 message 1 BR &lt;b&gt;marketing&lt;/b&gt; regular');
    const empty = costReportHtml({ ...week, reconciliation: { classificationDifferences: [] } }, options);
    expect(empty).toContain('Meta classified every unit as we did.');
  });

  it('escapes hostile strings everywhere: chart, legend, tables, title', () => {
    const base = report('2025-07-01', '2025-07-01', [
      cell('2025-07-01', '<script>alert(1)</script>', 'marketing', 5),
      cell('2025-07-01', 'IN', '<script>alert("c")</script>', 5),
    ]);
    // the shipped card prices both rows at 0 (an unknown category; no Other rate): give them a cost, as a card that knew them would
    const hostile: CostReport = {
      ...withRows(base, (row) => (row.unpriced ? { ...row, unpriced: undefined, rate: 0.5, cost: 2.5 } : row)),
      currency: 'US"D<',
    };
    const page = costReportHtml(hostile, {
      title: '<script>x</script> & "report"',
      generatedAt: "<img src=x onerror='y'>",
    });
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).toContain('<title>&lt;script&gt;x&lt;/script&gt; &amp; &quot;report&quot;</title>');
    expect(page).toContain('generated &lt;img src=x onerror=&#39;y&#39;&gt;');
    const drawn = segments(page);
    expect(drawn.map((s) => s.category)).toEqual(['marketing', '&lt;script&gt;alert(&quot;c&quot;)&lt;/script&gt;']);
    expect(drawn[1]?.title).toBe('2025-07-01 · &lt;script&gt;alert(&quot;c&quot;)&lt;/script&gt;: 2.50 US&quot;D&lt;');
    expect(page).toContain('<span class="category">&lt;script&gt;alert(&quot;c&quot;)&lt;/script&gt;</span>');
    expect(tableRows(page, 'countries').map((r) => r[0])).toEqual(['&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;', 'IN']);
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('says so when nothing in the period cost anything', () => {
    const page = costReportHtml(
      report('2025-07-01', '2025-07-31', [
        cell('2025-07-03', 'IN', 'service', 4, { pricingType: 'free_customer_service' }),
      ]),
      options,
    );
    expect(page).toContain('No billable cost in this period.');
    expect(page).not.toContain('<svg');
    expect(tableRows(page, 'countries')).toEqual([['IN', 'India', '0', '4', '0.00', '–']]);
    expect(page).toContain('<dd class="total">0.00 USD</dd>');
  });

  it('is deterministic: the same input gives the same bytes', () => {
    expect(costReportHtml(structuredClone(week), { ...options })).toBe(html);
  });
});
