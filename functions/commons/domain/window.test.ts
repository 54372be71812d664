import { callOpensWindow, closesWindow, extendsWindow, windowExpiry, windowOpenAt } from './window';
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

describe('calls and the window', () => {
  it('only the connect of a call the user placed opens it', () => {
    expect(callOpensWindow({ event: 'connect', direction: 'USER_INITIATED' })).toBe(true);
    expect(callOpensWindow({ event: 'connect', direction: 'BUSINESS_INITIATED' })).toBe(false);
    expect(callOpensWindow({ event: 'terminate', direction: 'USER_INITIATED' })).toBe(false);
    expect(callOpensWindow({ event: 'connect' })).toBe(false);
  });
});
