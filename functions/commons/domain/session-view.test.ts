import type { ConversationState } from './conversation';
import { toSessionView } from './session-view';
import { isWindowOpen, type WindowState } from './window';
import { DAY } from './time';

const now = 1_750_000_000;
const window = (expiresAt: number, extra: Partial<WindowState> = {}): WindowState => ({
  lastInboundAt: expiresAt - DAY,
  expiresAt,
  ...extra,
});
const conversation = (expiresAt: number, category = 'service'): ConversationState => ({
  id: `conv-${category}`,
  category,
  origin: category === 'service' ? 'user_initiated' : 'business_initiated',
  openedAt: expiresAt - DAY,
  expiresAt,
});

describe('customer service window', () => {
  it('is open 1 second before it expires and closed 1 second after', () => {
    expect(isWindowOpen(window(now + 1), now)).toBe(true);
    expect(isWindowOpen(window(now - 1), now)).toBe(false);
  });
  it('is closed at the exact second it expires', () => {
    expect(isWindowOpen(window(now), now)).toBe(false);
  });
  it('is closed when there is none', () => {
    expect(isWindowOpen(undefined, now)).toBe(false);
  });
  it('stays closed after Meta refused a send (131047) until the user writes again', () => {
    const lastInboundAt = now - 3600;
    expect(isWindowOpen({ lastInboundAt, expiresAt: lastInboundAt + DAY, closedAt: now - 60 }, now)).toBe(false);
    expect(isWindowOpen({ lastInboundAt, expiresAt: lastInboundAt + DAY, closedAt: lastInboundAt - 1 }, now)).toBe(
      true,
    );
  });
});

describe('session view', () => {
  const base = { phoneNumberId: '100000000000001', ids: { waId: '15551234567' }, now };

  it('shows a window expiring 1 second from now as open, with its expiry', () => {
    const view = toSessionView({ ...base, window: window(now + 1), conversations: [] });
    expect(view.window).toEqual({ open: true, expiresAt: new Date((now + 1) * 1000).toISOString() });
  });

  it('shows a window that expired 1 second ago as closed, even though the item is still stored', () => {
    const view = toSessionView({ ...base, window: window(now - 1), conversations: [] });
    expect(view.window).toEqual({ open: false, expiresAt: null });
  });

  it('lists only conversations that are still open, oldest first', () => {
    const view = toSessionView({
      ...base,
      conversations: [conversation(now + 7200, 'marketing'), conversation(now - 1, 'utility'), conversation(now + 1)],
    });
    expect(view.conversations.map((c) => c.category)).toEqual(['service', 'marketing']);
    expect(view.conversations[0]).toEqual({
      id: 'conv-service',
      category: 'service',
      origin: 'user_initiated',
      openedAt: new Date((now + 1 - DAY) * 1000).toISOString(),
      expiresAt: new Date((now + 1) * 1000).toISOString(),
    });
  });

  it('names both ids of the user when known, null otherwise', () => {
    expect(toSessionView({ ...base, conversations: [] })).toMatchObject({ waId: '15551234567', userId: null });
    expect(
      toSessionView({ ...base, ids: { waId: '15551234567', userId: 'US.1349' }, conversations: [] }),
    ).toMatchObject({ waId: '15551234567', userId: 'US.1349' });
  });
});
