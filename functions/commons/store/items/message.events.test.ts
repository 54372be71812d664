import { messageEvents } from './message.events';
import { expectValidEvents } from '#test/event-schemas';
import type { ItemChange } from '#commons/events/item-change';

const T = 1_800_000_000;
const wamid = 'wamid.TEST1';
const inbound = (raw: Record<string, unknown>, more: Record<string, unknown> = {}): ItemChange => ({
  pk: `MSG#${wamid}`,
  sk: 'MSG',
  newImage: {
    pk: `MSG#${wamid}`,
    sk: 'MSG',
    direction: 'inbound',
    phoneNumberId: '100000000000001',
    contactId: '15551234567',
    type: raw.type,
    timestamp: T,
    raw: JSON.stringify(raw),
    ...more,
  },
  recordedAt: T + 1,
});
const state = (statusAt: Record<string, number>, more: Record<string, unknown> = {}) => ({
  id: wamid,
  phoneNumberId: '100000000000001',
  contactId: '15551234567',
  user: { waId: '15551234567' },
  source: 'api',
  kind: 'free-form',
  statusAt,
  errorCodes: [],
  ...more,
});
const outbound = (
  before: Record<string, number> | undefined,
  after: Record<string, number>,
  more = {},
): ItemChange => ({
  pk: `MSG#${wamid}`,
  sk: 'MSG',
  ...(before ? { oldImage: { direction: 'outbound', state: state(before) } } : {}),
  newImage: { direction: 'outbound', state: state(after, more) },
  recordedAt: T + 5,
});
const run = (c: ItemChange) => messageEvents.outcome(c, { now: T, closingNoticeSeconds: 3600 }).events;

describe('message item events', () => {
  it('an inbound insert is message.received with its content; any later write of it is nothing', () => {
    const events = run(
      inbound({
        from: '15551234567',
        id: wamid,
        type: 'image',
        image: { id: 'm1', mime_type: 'image/jpeg', caption: 'Front' },
      }),
    );
    expect(events[0]?.detail).toMatchObject({
      wamid,
      type: 'image',
      // `url`: where the engine serves the file once the worker has stored it (media.stored says when)
      content: { media: { id: 'm1', mimeType: 'image/jpeg', caption: 'Front', url: `/media/${wamid}/m1` } },
    });
    expectValidEvents(events);
    expect(run({ ...inbound({ type: 'text' }), oldImage: { direction: 'inbound' } })).toEqual([]);
  });

  it('parses location, interactive replies, reactions, replies-to and referrals', () => {
    const events = [
      ...run(inbound({ type: 'location', location: { latitude: 1.5, longitude: 2.5, name: 'Shop' } })),
      ...run(
        inbound({
          type: 'interactive',
          interactive: { type: 'list_reply', list_reply: { id: 'a', title: 'A', description: 'd' } },
        }),
      ),
      ...run(inbound({ type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } })),
      ...run(
        inbound(
          { type: 'text', text: { body: 'yes' }, context: { from: '1555', id: 'wamid.Y' } },
          { replyTo: 'wamid.Y', referral: { sourceId: 's', ctwaClid: 'c' } },
        ),
      ),
    ];
    expect(events.map((e) => (e.detail as { content: unknown }).content)).toEqual([
      { location: { latitude: 1.5, longitude: 2.5, name: 'Shop' } },
      { interactive: { type: 'list_reply', id: 'a', title: 'A', description: 'd' } },
      { reaction: { messageId: 'wamid.X', emoji: '👍' } },
      {
        text: { body: 'yes' },
        context: { messageId: 'wamid.Y', from: '1555' },
        referral: { sourceId: 's', ctwaClid: 'c' },
      },
    ]);
    expectValidEvents(events);
  });

  it('a status moving forward is message.status with the previous one; no change of current status is nothing', () => {
    const delivered = run(outbound({ sent: T }, { sent: T, delivered: T + 1 }));
    expect(delivered[0]?.detail).toMatchObject({ status: 'delivered', previousStatus: 'sent', source: 'api' });
    expect(run(outbound({ read: T + 2 }, { read: T + 2, delivered: T + 1 }))).toEqual([]);
    expect(run(outbound(undefined, {}))).toEqual([]);
    expectValidEvents(delivered);
  });

  it('a failure carries its error codes and Meta pricing is passed on', () => {
    const failed = run(
      outbound(
        { sent: T },
        { sent: T, failed: T + 1 },
        { errorCodes: [131047], metaPricing: { model: 'PMP', category: 'utility', fromStatus: 'sent' } },
      ),
    );
    expect(failed[0]?.detail).toMatchObject({
      status: 'failed',
      errors: [{ code: 131047 }],
      pricing: { model: 'PMP', category: 'utility' },
    });
    expectValidEvents(failed);
  });
});
