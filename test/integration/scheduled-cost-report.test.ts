import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import * as payloads from '../fixtures/payloads.ts';
import { createHandler } from '../../functions/cost-report/index.ts';
import { documentClient } from '#clients/dynamodb';
import type { CostReport } from '#pricing/cost-report';
import { shippedRateCard } from '#pricing/rate-card';
import { FileReportSink } from '#report/file-report-sink';
import { formatAmount } from '#report/render-html';
import { DynamoDbReportStore } from '#store/dynamodb-report-store';
import { TEST_TABLE_NAME, uniquePhoneNumberId } from '#test/environment';
import { seedOutboundMessage, webhookHarness } from '#test/webhook';

describe('the scheduled cost report against DynamoDB Local', () => {
  const root = mkdtempSync(join(tmpdir(), 'reports-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("writes yesterday's and the month's JSON, CSV and HTML, and one cost figure per business number", async () => {
    const day = '2026-03-11';
    const delivered = Date.parse(`${day}T15:00:00Z`) / 1000;
    const harness = webhookHarness({ now: delivered });
    const numbers = [uniquePhoneNumberId(), uniquePhoneNumberId()];
    for (const [i, phoneNumberId] of numbers.entries()) {
      for (const [k, waId] of ['5511987650100', '919876500100', '4915112300100'].entries()) {
        const id = payloads.wamid();
        await seedOutboundMessage(harness.stores, {
          id,
          phoneNumberId,
          waId,
          kind: 'template',
          templateCategory: k === 0 ? 'marketing' : 'utility',
        });
        const status = payloads.statusUpdate({ id, status: 'delivered', timestamp: delivered + i, recipientId: waId });
        await harness.post(payloads.webhookBody(payloads.messagesChange({ phoneNumberId, statuses: [status] })));
      }
    }
    const published: { phoneNumberId: string; amount: number; currency: string }[] = [];
    const handler = createHandler({
      store: new DynamoDbReportStore(documentClient, TEST_TABLE_NAME),
      rateCard: shippedRateCard(),
      sink: new FileReportSink(root),
      clock: () => 0,
      publishCost: (phoneNumberId, amount, currency) => published.push({ phoneNumberId, amount, currency }),
    });
    const result = await handler({ time: '2026-03-12T01:00:00Z' }, { awsRequestId: 'test' } as Context);

    expect(result.day).toBe(day);
    expect(result.files).toEqual([
      'reports/2026/03/11/daily.json',
      'reports/2026/03/11/daily.csv',
      'reports/2026/03/11/daily.html',
      'reports/latest/daily.html',
      'reports/2026/03/11/month-to-date.json',
      'reports/2026/03/11/month-to-date.csv',
      'reports/2026/03/11/month-to-date.html',
    ]);
    expect(readdirSync(join(root, 'reports/2026/03/11')).sort()).toEqual([
      'daily.csv',
      'daily.html',
      'daily.json',
      'month-to-date.csv',
      'month-to-date.html',
      'month-to-date.json',
    ]);
    const daily = JSON.parse(readFileSync(join(root, 'reports/2026/03/11/daily.json'), 'utf8')) as CostReport;
    const ours = daily.rows.filter((row) => numbers.includes(row.phoneNumberId));
    expect(ours.reduce((units, row) => units + row.billableUnits, 0)).toBe(6);
    const costOf = (phoneNumberId: string) =>
      ours.filter((row) => row.phoneNumberId === phoneNumberId).reduce((sum, row) => sum + row.cost, 0);
    for (const phoneNumberId of numbers) {
      expect(costOf(phoneNumberId)).toBeGreaterThan(0);
      expect(published).toContainEqual({ phoneNumberId, amount: costOf(phoneNumberId), currency: 'USD' });
    }

    const html = readFileSync(join(root, 'reports/2026/03/11/daily.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toContain('<script');
    expect(html).toContain(formatAmount(daily.total));
    // the fixed key an operator reads (a stack output) holds the same page
    expect(readFileSync(join(root, 'reports/latest/daily.html'), 'utf8')).toBe(html);
    const csv = readFileSync(join(root, 'reports/2026/03/11/month-to-date.csv'), 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^day,/);
  });
});
