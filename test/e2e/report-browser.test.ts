import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { computeCostReport, type CostCell, type CostReport } from '#pricing/cost-report';
import { shippedRateCard } from '#pricing/rate-card';
import { costReportHtml } from '#report/render-html';
import { previousRange, topTemplates, withInsights } from '#report/report-insights';
import { findChromium, pngSize, visitPage } from '../support/headless-chromium.ts';

/**
 * Acceptance: the HTML cost report in a real browser (Debian's headless Chromium). A fixed report is
 * rendered, opened at 1200 × 1600, and must show without a console error and without asking the
 * network for anything. `UPDATE_REPORT_SCREENSHOT=1 npm test -- test/e2e/report-browser` also writes
 * the screenshot to docs/cost-report.png, the picture in the README.
 */
const SCREENSHOT = fileURLToPath(new URL('../../docs/cost-report.png', import.meta.url));
const WIDTH = 1200;
const HEIGHT = 1600;

const card = shippedRateCard();
const NUMBERS = { '100000000000001': '+1 555 000 0001', '100000000000002': '+44 20 7946 0000' };

/** Two numbers over four weeks, several markets and categories, a few units the card cannot price. */
const fixedCells = (): CostCell[] => {
  const cells: CostCell[] = [];
  const add = (
    day: string,
    phoneNumberId: string,
    country: string,
    category: string,
    units: number,
    type = 'regular',
  ) =>
    cells.push({
      day,
      kind: 'message',
      phoneNumberId,
      country,
      category,
      pricingModel: 'PMP',
      pricingType: type,
      units,
    });
  for (let d = 3; d <= 30; d++) {
    const day = `2026-11-${String(d).padStart(2, '0')}`;
    const wave = 1 + ((d * 7) % 5);
    add(day, '100000000000001', 'US', 'utility', 40 * wave + d);
    add(day, '100000000000001', 'US', 'service', 25 + (d % 4) * 6, 'free_customer_service');
    add(day, '100000000000001', 'BR', 'marketing', d > 16 ? 30 + wave * 9 : 12 + wave);
    add(day, '100000000000002', 'GB', 'marketing', d % 3 === 0 ? 22 : 8);
    add(day, '100000000000002', 'IN', 'authentication', 60 + wave * 5);
    if (d % 9 === 0) add(day, '100000000000002', 'DE', 'unclassified', 2);
  }
  return cells;
};

const fixedReport = (): CostReport => {
  const range = { from: '2026-11-17', to: '2026-11-30' };
  const previous = previousRange(range);
  const cells = fixedCells();
  const current = computeCostReport({ rateCard: card, cells, ...range });
  const before = computeCostReport({ rateCard: card, cells, ...previous });
  const report = withInsights(current, before, { rateCard: card, previous, displayNumbers: NUMBERS });
  const template = (name: string, country: string, category: string, units: number) => ({
    day: '2026-11-20',
    phoneNumberId: '100000000000001',
    country,
    category,
    pricingModel: 'PMP',
    pricingType: 'regular',
    template: name,
    units,
  });
  report.templates = topTemplates(
    [
      template('black_friday', 'BR', 'marketing', 410),
      template('order_ready', 'US', 'utility', 1_800),
      template('delivery_update', 'US', 'utility', 690),
      template('login_code', 'IN', 'authentication', 1_050),
      template('winback_uk', 'GB', 'marketing', 160),
    ],
    range,
    card,
  );
  report.reconciliation = {
    classificationDifferences: [
      {
        country: 'BR',
        category: 'utility',
        pricingType: 'regular',
        metaCategory: 'marketing',
        metaPricingType: 'regular',
        units: 14,
      },
    ],
  };
  return report;
};

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'report-browser-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the HTML cost report in headless Chromium', () => {
  it('is installed (CI installs chromium-headless-shell in .ci/run)', () => {
    expect(findChromium()).toEqual(expect.any(String));
  });

  it('renders at 1200 × 1600 with no console error and no network request', async () => {
    const report = fixedReport();
    const page = join(folder, 'cost-report.html');
    writeFileSync(
      page,
      costReportHtml(report, {
        title: 'WhatsApp cost report 2026-11-17 to 2026-11-30',
        generatedAt: '2026-12-01T01:00:03.000Z',
      }),
    );
    const visit = await visitPage(pathToFileURL(page).href, { width: WIDTH, height: HEIGHT });
    expect(pngSize(visit.png)).toEqual({ width: WIDTH, height: HEIGHT });
    // a page that drew something: far more than a blank PNG of that size
    expect(visit.png.length).toBeGreaterThan(40_000);
    expect(visit.errors).toEqual([]);
    expect(visit.requests).toEqual([]);
    if (process.env.UPDATE_REPORT_SCREENSHOT) writeFileSync(SCREENSHOT, visit.png);
  }, 60_000);

  it('would see a console error, an exception and a request if a page made them', async () => {
    const page = join(folder, 'broken.html');
    writeFileSync(
      page,
      '<!DOCTYPE html><html><body><script>console.error("boom"); missing();</script>' +
        '<img src="http://127.0.0.1:9/x.png" alt=""></body></html>',
    );
    const visit = await visitPage(pathToFileURL(page).href, { width: 400, height: 300 });
    expect(pngSize(visit.png)).toEqual({ width: 400, height: 300 });
    expect(visit.errors.some((error) => error.includes('console.error') && error.includes('boom'))).toBe(true);
    expect(visit.errors.some((error) => error.startsWith('exception:') && error.includes('missing'))).toBe(true);
    expect(visit.requests).toEqual(['http://127.0.0.1:9/x.png']);
  }, 60_000);
});
