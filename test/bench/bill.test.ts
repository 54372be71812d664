import { billPerMillion, MIX } from '../../bench/bill.ts';
import { emptyWork, type Work } from '../../bench/capacity.ts';
import { PRICES } from '../../bench/prices.ts';

const work = (w: Partial<Work>): Work => ({ ...emptyWork(), ...w });

const EVENTS = [
  'inbound message (user known)',
  "inbound message (user's first)",
  'send text (window open)',
  'send template (window closed)',
  'status sent (before delivery)',
  'status delivered, opens conversation',
  'status delivered, joins open conversation',
  'status read after delivered',
];

describe('the AWS bill per million messages', () => {
  const messages = MIX.inboundKnown + MIX.inboundFirst + MIX.replies + MIX.templates;

  it('prices each event type’s write units, the history index included, over the mix', () => {
    const none = Object.fromEntries(EVENTS.map((name) => [name, work({})]));
    const base = billPerMillion({ work: none, webhookMs: { inbound: 30, status: 40 } });
    const withInbound = billPerMillion({
      work: { ...none, 'inbound message (user known)': work({ writes: 2, wcu: 2, indexWcu: 1 }) },
      webhookMs: { inbound: 30, status: 40 },
    });
    const writes = (bill: typeof base) =>
      bill.lines.find((line) => line.component.startsWith('DynamoDB writes'))?.dollars;
    // 40 of the 100 messages write 3 units each, at the list price per million units.
    const expected = ((MIX.inboundKnown * 3) / messages) * PRICES.dynamodb.writeRequestUnitPerMillion;
    expect((writes(withInbound) as number) - (writes(base) as number)).toBeCloseTo(expected, 9);
  });

  it('bills a read DynamoDB Local reported as free (an empty BatchGetItem) at half a unit', () => {
    const none = Object.fromEntries(EVENTS.map((name) => [name, work({})]));
    const bill = billPerMillion({
      work: { ...none, 'inbound message (user known)': work({ reads: 1, rcu: 0 }) },
      webhookMs: { inbound: 30, status: 40 },
    });
    const reads = bill.lines.find((line) => line.component === 'DynamoDB reads')?.dollars as number;
    expect(reads).toBeCloseTo(((MIX.inboundKnown * 0.5) / messages) * PRICES.dynamodb.readRequestUnitPerMillion, 9);
  });

  it('counts one API request per webhook POST and per send, and sums its lines', () => {
    const none = Object.fromEntries(EVENTS.map((name) => [name, work({})]));
    const bill = billPerMillion({ work: none, webhookMs: { inbound: 30, status: 40 } });
    const sends = MIX.replies + MIX.templates;
    const requests = MIX.inboundKnown + MIX.inboundFirst + sends * (1 + MIX.statusesPerSend);
    const api = bill.lines.find((line) => line.component.startsWith('API Gateway'))?.dollars as number;
    expect(api).toBeCloseTo((requests / messages) * PRICES.apiGateway.httpApiRequestsPerMillion, 9);
    expect(bill.total).toBeCloseTo(
      bill.lines.reduce((sum, line) => sum + line.dollars, 0),
      9,
    );
    expect(bill.pricesDated).toBe(PRICES.date);
  });

  it('needs the measured work of every event type', () => {
    expect(() => billPerMillion({ work: {}, webhookMs: { inbound: 30, status: 40 } })).toThrow(/section 1a/);
  });
});
