import { planWindowTimer } from './window-timer';

const window = {
  phoneNumberId: '100000000000001',
  contactId: '15551234567',
  lastInboundAt: 1_000_000,
  expiresAt: 1_086_400,
};
const NOTICE = 3600;

describe('planWindowTimer', () => {
  it('sets the closing timer at expiry minus the notice while more than the notice remains', () => {
    const plan = planWindowTimer(window, window.expiresAt - NOTICE - 1, NOTICE);
    expect(plan.due).toEqual([]);
    expect(plan.next).toEqual({
      action: 'set',
      at: window.expiresAt - NOTICE,
      timer: { timer: 'window', fire: 'closing', ...window },
    });
  });

  it('announces closing at once when exactly the notice or less remains, and sets the closed timer at expiry', () => {
    for (const now of [window.expiresAt - NOTICE, window.expiresAt - 1]) {
      const plan = planWindowTimer(window, now, NOTICE);
      expect(plan.due).toEqual(['closing']);
      expect(plan.next).toEqual({
        action: 'set',
        at: window.expiresAt,
        timer: { timer: 'window', fire: 'closed', ...window },
      });
    }
  });

  it('closes at once, without a notice, a window already expired; and cancels its timer', () => {
    for (const now of [window.expiresAt, window.expiresAt + 86_400]) {
      const plan = planWindowTimer(window, now, NOTICE);
      expect(plan.due).toEqual(['closed']);
      expect(plan.next).toEqual({ action: 'cancel', phoneNumberId: window.phoneNumberId, contactId: window.contactId });
    }
  });

  it('with a notice of 0 announces closing only at expiry itself, as the closed timer', () => {
    expect(planWindowTimer(window, window.expiresAt - 1, 0).next).toMatchObject({
      at: window.expiresAt,
      timer: { fire: 'closing' },
    });
  });
});
