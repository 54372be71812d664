import { ownConversationId } from '#domain/delivery';
import { expectValidEvents } from '#test/event-schemas';
import type { ItemChange } from '#commons/events/item-change';
import { outcomeOf } from '#commons/events/registry';
import { conversationEvents } from './conversation.events';

const T = 1_800_000_000;
const wamid = 'wamid.CONV1';
const conversation = (id: string, category = 'marketing') => ({
  id,
  category,
  origin: 'business_initiated',
  openedAt: T,
  expiresAt: T + 86_400,
  unit: {
    day: '2027-01-15',
    phoneNumberId: '100000000000001',
    country: 'US',
    category,
    pricingModel: 'PMP',
    pricingType: 'regular',
  },
});
const message = (held: Record<string, unknown>, statusAt: Record<string, number>) => ({
  pk: `MSG#${wamid}`,
  sk: 'MSG',
  direction: 'outbound',
  phoneNumberId: '100000000000001',
  contactId: '15551234567',
  state: {
    id: wamid,
    phoneNumberId: '100000000000001',
    contactId: '15551234567',
    user: { waId: '15551234567', userId: 'US.1349' },
    source: 'api',
    kind: 'template',
    statusAt,
    errorCodes: [],
  },
  held,
});
const change = (before: Record<string, unknown> | undefined, after: Record<string, unknown>): ItemChange => ({
  pk: `MSG#${wamid}`,
  sk: 'MSG',
  ...(before ? { oldImage: message(before, { sent: T - 5 }) } : {}),
  newImage: message(after, { sent: T - 5, delivered: T }),
  recordedAt: T + 1,
});
const context = { now: T, closingNoticeSeconds: 3600 };
const run = (c: ItemChange) => conversationEvents.outcome(c, context).events;

describe('conversation.opened, from the message item whose delivery opened it', () => {
  it('names the conversation, its billing cell and the user in clear, from the message image alone', () => {
    const opened = conversation(ownConversationId(wamid));
    const events = run(change({}, { messageUnit: opened.unit, conversation: opened }));
    expect(events.map((e) => e.detail)).toEqual([
      {
        eventId: expect.any(String),
        occurredAt: '2027-01-15T08:00:00.000Z',
        recordedAt: '2027-01-15T08:00:01.000Z',
        phoneNumberId: '100000000000001',
        contact: { waId: '15551234567', userId: 'US.1349' },
        conversationId: ownConversationId(wamid),
        category: 'marketing',
        origin: 'business_initiated',
        openedAt: '2027-01-15T08:00:00.000Z',
        expiresAt: '2027-01-16T08:00:00.000Z',
        openedBy: wamid,
        billing: { day: '2027-01-15', country: 'US', pricingModel: 'PMP', pricingType: 'regular' },
      },
    ]);
    expectValidEvents(events);
  });

  it('is published once: a later write of the same conversation is nothing; a new id (Meta corrects ours) is another', () => {
    const ours = conversation(ownConversationId(wamid));
    const held = { messageUnit: ours.unit, conversation: ours };
    expect(run(change(held, { ...held, conversation: { ...ours, category: 'utility' } }))).toEqual([]);
    const metas = conversation('c3b4b5ea9e1ae2d8cd1b6a2b1f0a9e7d', 'utility');
    const corrected = run(change(held, { ...held, conversation: metas }));
    expect(corrected.map((e) => e.detail)).toMatchObject([{ conversationId: metas.id, category: 'utility' }]);
    expect(corrected[0]?.detail.eventId).not.toBe(run(change({}, held))[0]?.detail.eventId);
  });

  it('is nothing for a delivery that joined an open conversation, an inbound message or a removal', () => {
    expect(run(change({}, { messageUnit: conversation('x').unit }))).toEqual([]);
    expect(run({ pk: `MSG#${wamid}`, sk: 'MSG', newImage: { direction: 'inbound', held: {} }, recordedAt: T })).toEqual(
      [],
    );
    expect(run({ pk: `MSG#${wamid}`, sk: 'MSG', oldImage: message({}, {}), recordedAt: T })).toEqual([]);
  });

  it('comes with the message item\u2019s own events, and none comes from the ledger entry', () => {
    const opened = conversation(ownConversationId(wamid));
    const events = outcomeOf(change({}, { messageUnit: opened.unit, conversation: opened }), context).events;
    expect(events.map((e) => e.detailType)).toEqual(['message.status', 'conversation.opened']);
    const ledger = { pk: `LEDGER#conv.${wamid}`, sk: 'LEDGER', conversationId: ownConversationId(wamid) };
    expect(outcomeOf({ pk: ledger.pk, sk: ledger.sk, newImage: ledger, recordedAt: T }, context).events).toEqual([]);
  });
});
