import type { EpochSeconds } from '#domain/time';

/** What a window's timer carries: enough to publish its event without reading the table. */
export interface WindowTimer {
  timer: 'window';
  fire: 'closing' | 'closed';
  phoneNumberId: string;
  contactId: string;
  lastInboundAt: EpochSeconds;
  expiresAt: EpochSeconds;
}

export type WindowTimerChange =
  | { action: 'set'; at: EpochSeconds; timer: WindowTimer }
  | { action: 'cancel'; phoneNumberId: string; contactId: string };

/** One timer per contact: setting it replaces the one before (EventBridge Scheduler on AWS, timers locally). */
export interface WindowTimers {
  apply(change: WindowTimerChange): Promise<void>;
  /** moves the contact's timer from `closing` to `closed`, unless the window has moved since `current` was set */
  advance(current: WindowTimer, next: WindowTimerChange): Promise<void>;
}

export const isWindowTimer = (value: unknown): value is WindowTimer =>
  typeof value === 'object' && value !== null && (value as { timer?: unknown }).timer === 'window';

export interface TimerPlan {
  /** window events due now */
  due: ('closing' | 'closed')[];
  next: WindowTimerChange;
}

/**
 * The window's timed events from `now`: `window.closing` `notice` seconds before expiry (at once if
 * less remains), `window.closed` at expiry. Pure, so the boundaries are tested at the second.
 */
export const planWindowTimer = (
  window: { phoneNumberId: string; contactId: string; lastInboundAt: EpochSeconds; expiresAt: EpochSeconds },
  now: EpochSeconds,
  notice: number,
): TimerPlan => {
  const base = { timer: 'window' as const, ...window };
  const remaining = window.expiresAt - now;
  const cancel: WindowTimerChange = {
    action: 'cancel',
    phoneNumberId: window.phoneNumberId,
    contactId: window.contactId,
  };
  // An already expired window (a late webhook) only closes: a notice would come too late to act on.
  if (remaining <= 0) return { due: ['closed'], next: cancel };
  if (remaining <= notice) {
    return {
      due: ['closing'],
      next: { action: 'set', at: window.expiresAt, timer: { ...base, fire: 'closed' } },
    };
  }
  return { due: [], next: { action: 'set', at: window.expiresAt - notice, timer: { ...base, fire: 'closing' } } };
};
