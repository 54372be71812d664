import { logger } from '#commons/logger';
import type { WindowTimer, WindowTimerChange, WindowTimers } from './window-timer';

/**
 * The window's timers in the local stack: one in-process timer per contact, replaced on every
 * change, firing `onFire` (the publisher's timer path). A failed firing is tried again shortly.
 * They live as long as the process: a restarted local stack sets them again only for windows
 * that move afterwards.
 */
export class LocalTimers implements WindowTimers {
  private readonly pending = new Map<string, { timer: WindowTimer; handle: NodeJS.Timeout }>();

  constructor(
    private readonly onFire: (timer: WindowTimer) => Promise<void>,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async apply(change: WindowTimerChange): Promise<void> {
    const key = change.action === 'set' ? this.keyOf(change.timer) : `${change.phoneNumberId}#${change.contactId}`;
    const current = this.pending.get(key);
    if (current) clearTimeout(current.handle);
    this.pending.delete(key);
    if (change.action === 'cancel') return;
    this.arm(key, change.timer, change.at * 1000 - this.nowMs());
  }

  async advance(current: WindowTimer, next: WindowTimerChange): Promise<void> {
    const held = this.pending.get(this.keyOf(current));
    // Moved since it fired: the stream set the timer of the new window already.
    if (held && held.timer.expiresAt !== current.expiresAt) return;
    await this.apply(next);
  }

  /** Stops every timer (the local stack is shutting down). */
  stop(): void {
    for (const { handle } of this.pending.values()) clearTimeout(handle);
    this.pending.clear();
  }

  private keyOf(timer: WindowTimer): string {
    return `${timer.phoneNumberId}#${timer.contactId}`;
  }

  private arm(key: string, timer: WindowTimer, delayMs: number): void {
    const handle = setTimeout(
      () => {
        void this.onFire(timer)
          .then(() => {
            if (this.pending.get(key)?.handle === handle) this.pending.delete(key);
          })
          .catch((error: unknown) => {
            logger.error('window timer failed; trying again', { fire: timer.fire, error: error as Error });
            if (this.pending.get(key)?.handle === handle) this.arm(key, timer, 1000);
          });
      },
      Math.max(0, delayMs),
    );
    handle.unref();
    this.pending.set(key, { timer, handle });
  }
}
