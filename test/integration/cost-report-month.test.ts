import type { Server } from 'node:http';
import { startLocalServer } from '../../bin/local/server.ts';
import * as payloads from '../fixtures/payloads.ts';
import { documentClient } from '#clients/dynamodb';
import { countryOf } from '#domain/country';
import { DAY } from '#domain/time';
import type { CostReport } from '#pricing/cost-report';
import { priceOf, shippedRateCard, versionOn } from '#pricing/rate-card';
import { tableStores } from '../support/stores.ts';
import { uniquePhoneNumberId } from '#test/environment';
import { seedOutboundMessage } from '#test/seed';
import { signBody } from '#webhook/signature';

/**
 * A scripted month across Meta's switch from conversation to per-message pricing (2025-07-01),
 * posted over HTTP to the local server's /webhook with duplicates and out-of-order statuses. The
 * report's rows must equal what this test works out on its own from the scenario.
 */
const APP_SECRET = 'month-test-secret';
const API_TOKEN = 'month-test-token';
const at = (day: string, time: string) => Date.parse(`${day}T${time}Z`) / 1000;

interface ScriptedMessage {
  id: string;
  number: string;
  to: string;
  kind: 'template' | 'free-form';
  category: string;
  sentAt: number;
  /** the statuses Meta sends, in the order they are posted (may be out of order, may repeat) */
  statuses: { status: 'sent' | 'delivered' | 'read' | 'failed'; at: number; pricing?: boolean }[];
}

/** A business message of the script: from `number` to `to`, sent at `sentAt`, then Meta's `statuses` as posted. */
const scripted = (
  number: string,
  to: string,
  kind: ScriptedMessage['kind'],
  category: string,
  sentAt: number,
  statuses: ScriptedMessage['statuses'],
): ScriptedMessage => ({ id: payloads.wamid(), number, to, kind, category, sentAt, statuses });

let server: Server;
let url: string;

beforeAll(async () => {
  process.env.WHATSAPP_APP_SECRET = APP_SECRET;
  process.env.API_TOKEN = API_TOKEN;
  // The scripted month lies in the past: a retention that still covers it, or its statuses would be
  // refused as replays (older than the message retention) and never counted.
  process.env.MESSAGE_RETENTION_DAYS = '3650';
  ({ server, url } = await startLocalServer({ port: 0 }));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const postWebhook = async (payload: unknown) => {
  const body = JSON.stringify(payload);
  const response = await fetch(`${url}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) },
    body,
  });
  expect(response.status).toBe(200);
};

describe('the cost report of a scripted month', () => {
  it('equals, row by row, what the scenario implies', async () => {
    const [a, b] = [uniquePhoneNumberId(), uniquePhoneNumberId()];
    const br = '5511987650011';
    const india = '919876500011';
    const de = '4915112300011';
    const us = '16505550011';
    const cbp = '2025-06-20';
    const pmp = '2025-07-02';

    const inbound: { number: string; from: string; at: number }[] = [
      { number: a, from: india, at: at(cbp, '09:00:00') },
      { number: a, from: us, at: at(pmp, '09:00:00') },
    ];
    const messages: ScriptedMessage[] = [
      // Conversation pricing: the first marketing template to br opens a conversation, the second joins it.
      scripted(a, br, 'template', 'marketing', at(cbp, '10:00:00'), [
        { status: 'read', at: at(cbp, '10:01:00') },
        { status: 'delivered', at: at(cbp, '10:00:05') },
        { status: 'delivered', at: at(cbp, '10:00:05') },
        { status: 'sent', at: at(cbp, '10:00:01') },
      ]),
      scripted(a, br, 'template', 'marketing', at(cbp, '12:00:00'), [{ status: 'delivered', at: at(cbp, '12:00:03') }]),
      scripted(a, de, 'template', 'utility', at(cbp, '10:00:00'), [
        { status: 'sent', at: at(cbp, '10:00:01') },
        { status: 'delivered', at: at(cbp, '10:00:02') },
      ]),
      // A reply inside the window: a (free) service conversation.
      scripted(a, india, 'free-form', 'service', at(cbp, '09:30:00'), [
        { status: 'delivered', at: at(cbp, '09:30:02') },
      ]),
      // Another business number.
      scripted(b, us, 'template', 'marketing', at(cbp, '11:00:00'), [{ status: 'delivered', at: at(cbp, '11:00:02') }]),
      // Failed: never counts.
      scripted(a, de, 'template', 'marketing', at('2025-06-21', '08:00:00'), [
        { status: 'failed', at: at('2025-06-21', '08:00:02') },
      ]),
      // Per-message pricing.
      scripted(a, br, 'template', 'marketing', at(pmp, '10:00:00'), [
        { status: 'delivered', at: at(pmp, '10:00:04') },
        { status: 'sent', at: at(pmp, '10:00:01'), pricing: true },
      ]),
      scripted(a, us, 'template', 'utility', at(pmp, '09:10:00'), [{ status: 'delivered', at: at(pmp, '09:10:02') }]),
      scripted(a, us, 'free-form', 'service', at(pmp, '09:20:00'), [{ status: 'delivered', at: at(pmp, '09:20:02') }]),
      scripted(a, de, 'template', 'utility', at(pmp, '10:00:00'), [{ status: 'delivered', at: at(pmp, '10:00:02') }]),
      scripted(a, india, 'template', 'authentication', at('2025-07-03', '10:00:00'), [
        { status: 'read', at: at('2025-07-03', '10:00:09') },
      ]),
      scripted(b, br, 'template', 'marketing', at('2025-07-03', '11:00:00'), [
        { status: 'delivered', at: at('2025-07-03', '11:00:02') },
        { status: 'delivered', at: at('2025-07-03', '11:00:02') },
        { status: 'delivered', at: at('2025-07-03', '11:00:02') },
      ]),
    ];

    // Play the month: users write, the send API records its messages, Meta posts statuses.
    for (const message of inbound) {
      await postWebhook(
        payloads.webhookBody(
          payloads.messagesChange({
            phoneNumberId: message.number,
            messages: [payloads.textMessage('hello', { from: message.from, timestamp: message.at })],
          }),
        ),
      );
    }
    const stores = tableStores(documentClient);
    for (const message of messages) {
      await seedOutboundMessage(
        stores,
        {
          id: message.id,
          phoneNumberId: message.number,
          waId: message.to,
          kind: message.kind,
          ...(message.kind === 'template' ? { templateCategory: message.category } : {}),
        },
        // kept from when it is written, as the send route keeps it: a record past its TTL reads as gone
        Math.floor(Date.now() / 1000) + 30 * DAY,
      );
      for (const status of message.statuses) {
        const update = payloads.statusUpdate({
          id: message.id,
          status: status.status,
          timestamp: status.at,
          recipientId: message.to,
          ...(status.pricing ? { pricing: payloads.pricing(message.category) } : {}),
          ...(status.status === 'failed' ? { errors: [payloads.metaError(131049, 'Not delivered')] } : {}),
        });
        await postWebhook(
          payloads.webhookBody(payloads.messagesChange({ phoneNumberId: message.number, statuses: [update] })),
        );
      }
    }

    // The expectation, worked out from the scenario alone.
    const delivered = messages
      .filter((m) => !m.statuses.some((s) => s.status === 'failed'))
      .map((m) => ({
        ...m,
        deliveredAt: Math.min(...m.statuses.filter((s) => s.status !== 'sent').map((s) => s.at)),
      }))
      .sort((x, y) => x.deliveredAt - y.deliveredAt);
    const wroteWithin24h = (m: (typeof delivered)[number]) =>
      inbound.some(
        (i) => i.number === m.number && i.from === m.to && i.at <= m.deliveredAt && m.deliveredAt < i.at + DAY,
      );
    const units: { day: string; number: string; country: string; category: string; free: boolean; model: string }[] =
      [];
    const opened: { number: string; to: string; category: string; at: number }[] = [];
    for (const m of delivered) {
      const day = new Date(m.deliveredAt * 1000).toISOString().slice(0, 10);
      if (day < '2025-07-01') {
        const open = opened.filter((c) => c.number === m.number && c.to === m.to && m.deliveredAt < c.at + DAY);
        const covered = m.category === 'service' ? open.length > 0 : open.some((c) => c.category === m.category);
        if (covered) continue;
        opened.push({ number: m.number, to: m.to, category: m.category, at: m.deliveredAt });
        units.push({
          day,
          number: m.number,
          country: countryOf({ waId: m.to }),
          category: m.category,
          free: false,
          model: 'CBP',
        });
      } else {
        const free = m.category === 'service' || (m.category === 'utility' && wroteWithin24h(m));
        units.push({
          day,
          number: m.number,
          country: countryOf({ waId: m.to }),
          category: m.category,
          free,
          model: 'PMP',
        });
      }
    }
    const card = shippedRateCard();
    const expected = new Map<string, CostReport['rows'][number]>();
    for (const unit of units) {
      const version = versionOn(card, unit.day);
      if (!version) throw new Error(`no version on ${unit.day}`);
      const price = priceOf(version, {
        country: unit.country,
        category: unit.category,
        pricingType: unit.free ? 'free_customer_service' : 'regular',
      });
      const key = [unit.day, unit.number, unit.country, price.category].join('|');
      const row = expected.get(key) ?? {
        day: unit.day,
        phoneNumberId: unit.number,
        country: unit.country,
        market: price.market,
        category: price.category,
        pricingModel: unit.model as 'CBP' | 'PMP',
        billableUnits: 0,
        freeUnits: 0,
        rate: Number(price.rate ?? 0),
        cost: 0,
      };
      if (unit.free || price.free) row.freeUnits += 1;
      else row.billableUnits += 1;
      row.cost = Math.round(row.billableUnits * row.rate * 1e6) / 1e6;
      expected.set(key, row);
    }

    const response = await fetch(`${url}/reports/cost?from=2025-06-15&to=2025-07-14`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const report = (await response.json()) as CostReport;
    const ours = report.rows.filter((row) => row.phoneNumberId === a || row.phoneNumberId === b);
    const sortKey = (row: CostReport['rows'][number]) =>
      [row.day, row.phoneNumberId, row.country, row.category].join('|');
    expect(
      ours.map(({ unpriced: _u, tier: _t, ...row }) => row).sort((x, y) => sortKey(x).localeCompare(sortKey(y))),
    ).toEqual([...expected.values()].sort((x, y) => sortKey(x).localeCompare(sortKey(y))));
    // Four conversations on conversation-priced days, six delivered messages on per-message days.
    expect(ours.filter((r) => r.pricingModel === 'CBP').reduce((n, r) => n + r.billableUnits + r.freeUnits, 0)).toBe(4);
    expect(ours.filter((r) => r.pricingModel === 'PMP').reduce((n, r) => n + r.billableUnits + r.freeUnits, 0)).toBe(6);

    const csv = await fetch(`${url}/reports/cost?from=2025-06-15&to=2025-07-14`, {
      headers: { authorization: `Bearer ${API_TOKEN}`, accept: 'text/csv' },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await csv.text()).split('\r\n')[0]).toMatch(/^day,/);

    // A browser's Accept gets the HTML page the scheduled job writes.
    const html = await fetch(`${url}/reports/cost?from=2025-06-15&to=2025-07-14`, {
      headers: { authorization: `Bearer ${API_TOKEN}`, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' },
    });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await html.text();
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<title>WhatsApp cost report 2025-06-15 to 2025-07-14</title>');
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(page.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('refuses a malformed, reversed or too long range, and a missing token', async () => {
    const get = (query: string, token = API_TOKEN) =>
      fetch(`${url}/reports/cost?${query}`, { headers: { authorization: `Bearer ${token}` } });
    for (const query of [
      'from=2025-07-01',
      'from=2025-07-02&to=2025-07-01',
      'from=2024-01-01&to=2025-01-01',
      'from=x&to=y',
    ]) {
      const response = await get(query);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'INVALID_DATE_RANGE' } });
    }
    expect((await get('from=2025-07-01&to=2025-07-01', 'wrong')).status).toBe(401);
  });
});
