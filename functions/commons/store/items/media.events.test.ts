import { expectValidEvents } from '#test/event-schemas';
import type { ItemChange } from '#commons/events/item-change';
import { mediaEvents } from './media.events';

const T = 1_800_000_000;
const wamid = 'wamid.IMG1';
const pending = { id: 'm1', mimeType: 'image/jpeg', sha256: 'qC1i+w==', state: 'pending' };
const item = (media: Record<string, unknown>) => ({
  pk: `MSG#${wamid}`,
  sk: 'MSG',
  direction: 'inbound',
  phoneNumberId: '100000000000001',
  contactId: '15551234567',
  type: 'image',
  timestamp: T,
  raw: JSON.stringify({ from: '15551234567', id: wamid, type: 'image', image: { id: 'm1' } }),
  media,
});
const change = (before: Record<string, unknown> | undefined, after: Record<string, unknown>): ItemChange => ({
  pk: `MSG#${wamid}`,
  sk: 'MSG',
  ...(before ? { oldImage: item(before) } : {}),
  newImage: item(after),
  recordedAt: T + 3,
});
const run = (c: ItemChange) => mediaEvents.outcome(c, { now: T, closingNoticeSeconds: 3600 }).events;
const stored = {
  ...pending,
  state: 'stored',
  size: 2000,
  bucket: 'whatsapp-media',
  key: `media/100000000000001/${wamid}/m1.jpg`,
};

describe('media events, from the inbound message item the worker updates', () => {
  it('the worker storing the file is media.stored, with its bucket, key, digest and size', () => {
    const events = run(change(pending, stored));
    expect(events.map((e) => [e.detailType, e.detail])).toEqual([
      [
        'media.stored',
        {
          eventId: expect.any(String),
          occurredAt: '2027-01-15T08:00:03.000Z',
          recordedAt: '2027-01-15T08:00:03.000Z',
          phoneNumberId: '100000000000001',
          contact: { waId: '15551234567' },
          wamid,
          type: 'image',
          media: { id: 'm1', mimeType: 'image/jpeg', sha256: 'qC1i+w==', size: 2000, url: `/media/${wamid}/m1` },
          location: { bucket: 'whatsapp-media', key: `media/100000000000001/${wamid}/m1.jpg` },
        },
      ],
    ]);
    expectValidEvents(events);
  });

  it('a file that could not be stored is media.failed with the reason', () => {
    const events = run(change(pending, { ...pending, state: 'failed', reason: 'over the 5 MB limit for image' }));
    expect(events.map((e) => [e.detailType, e.detail])).toMatchObject([
      ['media.failed', { wamid, media: { id: 'm1' }, reason: 'over the 5 MB limit for image' }],
    ]);
    expectValidEvents(events);
  });

  it('the insert (pending), a write that leaves the state as it was, and outbound messages are nothing', () => {
    expect(run(change(undefined, pending))).toEqual([]);
    expect(run(change(stored, stored))).toEqual([]);
    const outbound = { ...change(pending, stored), newImage: { ...item(stored), direction: 'outbound' } };
    expect(run(outbound)).toEqual([]);
  });
});
