import {
  callOpensWindow,
  closesWindow,
  DEFAULT_INBOUND_SKEW_SECONDS,
  extendsWindow,
  factsOfWindow,
  isWindowOpen,
  mayOpenPastDeliveries,
  mergeWindows,
  RECENT_INBOUND,
  recentInbound,
  windowExpiry,
  windowFromHistory,
  windowOpenAt,
  withInboundMessage,
  type WindowState,
} from './window';
import { WINDOW_SECONDS } from './platform';

const t = 1_760_000_000;

describe('customer service window rules', () => {
  it('runs 24 hours from the message timestamp', () => {
    expect(windowExpiry(t)).toBe(t + WINDOW_SECONDS);
  });
  it('is open at 24 h minus 1 second and closed at 24 h and 24 h plus 1 second', () => {
    const window = { lastInboundAt: t };
    expect(windowOpenAt(window, t + WINDOW_SECONDS - 1)).toBe(true);
    expect(windowOpenAt(window, t + WINDOW_SECONDS)).toBe(false);
    expect(windowOpenAt(window, t + WINDOW_SECONDS + 1)).toBe(false);
  });
  it('was not open before the message that opened it', () => {
    expect(windowOpenAt({ lastInboundAt: t }, t - 1)).toBe(false);
    expect(windowOpenAt({ lastInboundAt: t }, t)).toBe(true);
    expect(windowOpenAt(undefined, t)).toBe(false);
  });
  it('is extended only by a newer message, never moved back by a late older one', () => {
    expect(extendsWindow(undefined, t)).toBe(true);
    expect(extendsWindow(t, t + 1)).toBe(true);
    expect(extendsWindow(t, t)).toBe(false);
    expect(extendsWindow(t, t - 1)).toBe(false);
  });
  it('is closed again only by a later refusal, at the second', () => {
    expect(closesWindow(undefined, t)).toBe(true);
    expect(closesWindow(t, t + 1)).toBe(true);
    expect(closesWindow(t, t)).toBe(false);
    expect(closesWindow(t, t - 1)).toBe(false);
  });
  it('is closed from a 131047 refusal on, until the user writes again', () => {
    const window = { lastInboundAt: t, closedAt: t + 100 };
    expect(windowOpenAt(window, t + 99)).toBe(true);
    expect(windowOpenAt(window, t + 100)).toBe(false);
    expect(windowOpenAt({ lastInboundAt: t + 200, closedAt: t + 100 }, t + 300)).toBe(true);
  });
});

describe('the window at a past instant, from its recent history', () => {
  const H = 3600;
  it('judges a delivery by the latest user message at or before it, not the newest one', () => {
    // the user wrote at t, the delivery was at t + 1 h, the user wrote again at t + 30 h
    const window = withInboundMessage(withInboundMessage(undefined, t + 30 * H), t);
    expect(window.lastInboundAt).toBe(t + 30 * H);
    expect(windowOpenAt(window, t + H)).toBe(true);
    expect(windowOpenAt(window, t + WINDOW_SECONDS - 1)).toBe(true);
    expect(windowOpenAt(window, t + WINDOW_SECONDS)).toBe(false);
    expect(windowOpenAt(window, t + 30 * H - 1)).toBe(false);
    expect(windowOpenAt(window, t + 30 * H)).toBe(true);
  });
  it('keeps the same instants in any order of arrival, each once, the newest few only', () => {
    const instants = Array.from({ length: RECENT_INBOUND + 3 }, (_, i) => t + i * 60);
    const forward = instants.reduce<WindowState | undefined>((w, at) => withInboundMessage(w, at), undefined);
    const backward = [...instants]
      .reverse()
      .reduce<WindowState | undefined>((w, at) => withInboundMessage(w, at), undefined);
    expect(backward).toEqual(forward);
    expect(forward?.inboundAt).toEqual(instants.slice(-RECENT_INBOUND));
    expect(recentInbound([t, t, t - 1])).toEqual([t - 1, t]);
  });
  it('merges two windows of one user into one with every instant, the later refusal and referral', () => {
    const a: WindowState = { lastInboundAt: t, expiresAt: windowExpiry(t), inboundAt: [t], closedAt: t + 5 };
    const b: WindowState = { lastInboundAt: t + 10, expiresAt: windowExpiry(t + 10), referralAt: t + 10 };
    expect(mergeWindows(a, b)).toEqual(mergeWindows(b, a));
    expect(mergeWindows(a, b)).toEqual({
      lastInboundAt: t + 10,
      expiresAt: windowExpiry(t + 10),
      closedAt: t + 5,
      inboundAt: [t, t + 10],
      referralAt: t + 10,
    });
    expect(mergeWindows(undefined, b)).toBe(b);
  });
  it('keeps the latest referral, never moved back by a late older one', () => {
    const window = withInboundMessage(withInboundMessage(undefined, t + 10, true), t, true);
    expect(window.referralAt).toBe(t + 10);
    expect(withInboundMessage(window, t + 20).referralAt).toBe(t + 10);
  });
});

describe('the window rebuilt from the message history, once its item is gone', () => {
  const T = 1_760_000_000;
  const inbound = (at: number) => ({ kind: 'inbound' as const, at });

  it('holds the user messages up to the instant judged, the one at that second too, not the one after', () => {
    const window = windowFromHistory([inbound(T - 100), inbound(T), inbound(T + 1)], T);
    expect(window).toEqual({ lastInboundAt: T, expiresAt: windowExpiry(T), inboundAt: [T - 100, T] });
    expect(windowFromHistory([inbound(T + 1)], T)).toBeUndefined();
  });

  it('keeps a referral and a refusal up to that instant, the latest of each, whatever a later one says', () => {
    const facts = [
      inbound(T - 50),
      { kind: 'referral' as const, at: T - 50 },
      { kind: 'referral' as const, at: T + 5 },
      { kind: 'refused' as const, at: T - 10 },
      { kind: 'refused' as const, at: T - 20 },
      { kind: 'refused' as const, at: T + 1 },
    ];
    expect(windowFromHistory(facts, T)).toMatchObject({ referralAt: T - 50, closedAt: T - 10 });
    // judged at the first refusal's own second, the window is closed; a second before, open
    expect(windowOpenAt(windowFromHistory(facts, T - 20), T - 20)).toBe(false);
    expect(windowOpenAt(windowFromHistory(facts, T - 21), T - 21)).toBe(true);
  });

  it("adds nothing a window item's own facts do not say, in any order", () => {
    const item: WindowState = {
      ...withInboundMessage(withInboundMessage(undefined, T - 300, true), T - 100),
      closedAt: T - 200,
    };
    const facts = factsOfWindow(item);
    expect(windowFromHistory(facts, T)).toEqual(item);
    expect(windowFromHistory([...facts].reverse(), T)).toEqual(item);
    expect(factsOfWindow(undefined)).toEqual([]);
  });
});

describe('clock skew: a user message stamped ahead of our clock', () => {
  it(`counts as sent now up to ${DEFAULT_INBOUND_SKEW_SECONDS} s ahead, not a second more`, () => {
    const now = t;
    const stamped = (ahead: number): WindowState => ({
      lastInboundAt: now + ahead,
      expiresAt: windowExpiry(now + ahead),
    });
    expect(isWindowOpen(stamped(5), now)).toBe(true);
    expect(isWindowOpen(stamped(DEFAULT_INBOUND_SKEW_SECONDS), now)).toBe(true);
    expect(isWindowOpen(stamped(DEFAULT_INBOUND_SKEW_SECONDS + 1), now)).toBe(false);
    expect(isWindowOpen(stamped(10), now, 9)).toBe(false);
    expect(isWindowOpen(stamped(10), now, 10)).toBe(true);
    // Meta's own timestamps are compared without skew
    expect(windowOpenAt(stamped(1), now)).toBe(false);
  });
});

describe('which user messages may put past deliveries inside the window', () => {
  const H = 3600;
  it('the first message, a late one, and one after a gap may; the next of an open window may not', () => {
    expect(mayOpenPastDeliveries(undefined, t, t)).toBe(true);
    const open = withInboundMessage(undefined, t);
    expect(mayOpenPastDeliveries(open, t + H, t + H)).toBe(false);
    expect(mayOpenPastDeliveries(withInboundMessage(undefined, t + 30 * H), t, t + 31 * H)).toBe(true);
    // the previous window ended one second before the new message: a gap
    expect(mayOpenPastDeliveries(open, windowExpiry(t), windowExpiry(t) + 10)).toBe(true);
    expect(mayOpenPastDeliveries(open, windowExpiry(t) - 1, windowExpiry(t) + 10)).toBe(true);
    expect(mayOpenPastDeliveries(open, windowExpiry(t) - 1, windowExpiry(t) - 1)).toBe(false);
    // a refusal after the message: deliveries after it were judged outside
    expect(mayOpenPastDeliveries({ ...open, closedAt: t + 2 * H }, t + H, t + 3 * H)).toBe(true);
    // a message stamped after now cannot cover anything judged already
    expect(mayOpenPastDeliveries(undefined, t + 10, t)).toBe(false);
  });
});

describe('calls and the window', () => {
  it('only the connect of a call the user placed opens it', () => {
    expect(callOpensWindow({ event: 'connect', direction: 'USER_INITIATED' })).toBe(true);
    expect(callOpensWindow({ event: 'connect', direction: 'BUSINESS_INITIATED' })).toBe(false);
    expect(callOpensWindow({ event: 'terminate', direction: 'USER_INITIATED' })).toBe(false);
    expect(callOpensWindow({ event: 'connect' })).toBe(false);
  });
});
