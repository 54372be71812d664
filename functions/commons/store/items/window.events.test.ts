import { windowEvents, windowTimerOutcome } from './window.events';
import { expectValidEvents } from '#test/event-schemas';
import type { ItemChange } from '#commons/events/item-change';

const PN = '100000000000001';
const WA = '15551234567';
const pk = `CONTACT#${PN}#${WA}`;
const DAY = 86_400;
const NOTICE = 3600;
const T = 1_800_000_000;

const change = (
  oldImage: Record<string, unknown> | undefined,
  newImage: Record<string, unknown> | undefined,
): ItemChange => ({
  pk,
  sk: 'WINDOW',
  ...(oldImage ? { oldImage: { pk, sk: 'WINDOW', ...oldImage } } : {}),
  ...(newImage ? { newImage: { pk, sk: 'WINDOW', ...newImage } } : {}),
  recordedAt: T,
});
const win = (lastInboundAt: number, more: Record<string, unknown> = {}) => ({
  lastInboundAt,
  expiresAt: lastInboundAt + DAY,
  ...more,
});
const outcome = (c: ItemChange, now = T) => windowEvents.outcome(c, { now, closingNoticeSeconds: NOTICE });
const types = (c: ItemChange, now = T) => outcome(c, now).events.map((e) => e.detailType);

describe('window item events', () => {
  it('recognises only window items', () => {
    expect(windowEvents.recognises(pk, 'WINDOW')).toBe(true);
    expect(windowEvents.recognises(pk, 'CONV#service')).toBe(false);
    expect(windowEvents.recognises('MSG#x', 'WINDOW')).toBe(false);
  });

  it('a first window is window.opened, with the closing timer set an hour before expiry', () => {
    const result = outcome(change(undefined, win(T)));
    expect(result.events.map((e) => e.detailType)).toEqual(['window.opened']);
    expect(result.events[0]?.detail).toMatchObject({ contact: { waId: WA }, phoneNumberId: PN });
    expect(result.timer).toMatchObject({ action: 'set', at: T + DAY - NOTICE, timer: { fire: 'closing' } });
    expectValidEvents(result.events);
  });

  it('a newer message in an open window extends it; one at the second of expiry opens a new one', () => {
    expect(types(change(win(T), win(T + DAY - 1)))).toEqual(['window.extended']);
    expect(types(change(win(T), win(T + DAY)), T + DAY)).toEqual(['window.opened']);
    expectValidEvents(outcome(change(win(T), win(T + 10))).events);
  });

  it('after a 131047 close, the next message opens the window again', () => {
    expect(types(change(win(T, { closedAt: T + 5 }), win(T + 6)))).toEqual(['window.opened']);
  });

  it('a 131047 while the window is open closes it and cancels its timer; one after expiry does nothing', () => {
    const closed = outcome(change(win(T), win(T, { closedAt: T + DAY - 1 })));
    expect(closed.events.map((e) => e.detailType)).toEqual(['window.closed']);
    expect(closed.events[0]?.detail).toMatchObject({ reason: 'outside-window-error' });
    expect(closed.timer).toEqual({ action: 'cancel', phoneNumberId: PN, contactId: WA });
    expectValidEvents(closed.events);
    expect(types(change(win(T), win(T, { closedAt: T + DAY })))).toEqual([]);
  });

  it('a window with less than the notice left announces closing at once; an expired one closes at once', () => {
    const now = T + DAY - 20;
    expect(types(change(undefined, win(T)), now)).toEqual(['window.opened', 'window.closing']);
    expect(types(change(undefined, win(T)), T + DAY)).toEqual(['window.opened', 'window.closed']);
    expectValidEvents(outcome(change(undefined, win(T)), now).events);
  });

  it('a TTL removal or a rewrite with the same time yields nothing', () => {
    expect(types(change(win(T), undefined))).toEqual([]);
    expect(types(change(win(T), win(T)))).toEqual([]);
  });

  it('the same change always yields the same event ids', () => {
    const ids = () => outcome(change(win(T), win(T + 10))).events.map((e) => e.detail.eventId);
    expect(ids()).toEqual(ids());
  });

  it('a fired closing timer announces closing and moves to expiry; a fired closed timer closes', () => {
    const timer = { timer: 'window' as const, phoneNumberId: PN, contactId: WA, lastInboundAt: T, expiresAt: T + DAY };
    const closing = windowTimerOutcome(
      { ...timer, fire: 'closing' },
      { now: T + DAY - NOTICE, closingNoticeSeconds: NOTICE },
    );
    expect(closing.events.map((e) => e.detailType)).toEqual(['window.closing']);
    expect(closing.next).toMatchObject({ action: 'set', at: T + DAY, timer: { fire: 'closed' } });
    const closed = windowTimerOutcome({ ...timer, fire: 'closed' }, { now: T + DAY, closingNoticeSeconds: NOTICE });
    expect(closed.events.map((e) => e.detailType)).toEqual(['window.closed']);
    expect(closed.events[0]?.detail).toMatchObject({
      reason: 'expired',
      occurredAt: new Date((T + DAY) * 1000).toISOString(),
    });
    expectValidEvents([...closing.events, ...closed.events]);
  });
});
