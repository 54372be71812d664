/**
 * Posting webhooks to the engine as Meta does: signed with the app secret (X-Hub-Signature-256), each
 * retried a bounded number of times with doubling pauses, at most `concurrency` in flight, then
 * dropped with a WARN log line. All background work (pauses, posts, retries) is tracked, so `idle()`
 * can wait for it and `close()` can cancel it.
 */
import { describeError } from '#graph/graph-request';
import { signBody } from '#webhook/signature';
import type { Json } from './errors';

export interface WebhookDelivery {
  /** tries per webhook, default 5 */
  attempts?: number;
  /** pause before the first retry, doubled for each next one; default 500 ms */
  retryDelayMs?: number;
  /** per POST, default 10,000 ms */
  timeoutMs?: number;
  /** POSTs in flight at once, default 8 */
  concurrency?: number;
}

export interface WebhookPosterOptions extends WebhookDelivery {
  /** the engine's POST /webhook */
  url: string;
  appSecret: string;
  log: (entry: Record<string, unknown>) => void;
}

export class WebhookPoster {
  private readonly attempts: number;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;
  private slots: number;
  private readonly queue: Array<() => void> = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(private readonly options: WebhookPosterOptions) {
    this.attempts = Math.max(1, options.attempts ?? 5);
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.slots = Math.max(1, options.concurrency ?? 8);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A pause that close() ends at once. */
  wait(ms: number): Promise<void> {
    if (ms <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  /** Runs background work that idle() waits for; a failure is logged, never thrown. */
  track(work: () => Promise<void>): Promise<void> {
    const promise = work().catch((error: unknown) => {
      this.options.log({ level: 'ERROR', message: 'sandbox background work failed', error: describeError(error) });
    });
    this.pending.add(promise);
    void promise.then(() => this.pending.delete(promise));
    return promise;
  }

  /** Posts one signed webhook, retrying like Meta (bounded); true when the endpoint answered 2xx. */
  async deliver(payload: Json, about: Record<string, unknown>): Promise<boolean> {
    const body = JSON.stringify(payload);
    const signature = signBody(body, this.options.appSecret);
    let problem: string | undefined;
    for (let attempt = 1; attempt <= this.attempts; attempt += 1) {
      if (this.closed) break;
      problem = await this.postOnce(body, signature);
      if (problem === undefined) return true;
      if (attempt < this.attempts) await this.wait(this.retryDelayMs * 2 ** (attempt - 1));
    }
    this.options.log({
      level: 'WARN',
      message: 'sandbox webhook dropped',
      ...about,
      attempts: this.attempts,
      problem: problem ?? 'sandbox closed',
    });
    return false;
  }

  /** Resolves when nothing is scheduled, in flight or waiting for a retry. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Cancels what is scheduled and aborts what is in flight. */
  close(): void {
    this.closed = true;
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
  }

  /** One POST; undefined when answered 2xx, else what went wrong. */
  private async postOnce(body: string, signature: string): Promise<string | undefined> {
    await this.acquire();
    if (this.closed) {
      this.release();
      return 'sandbox closed';
    }
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body,
        signal: controller.signal,
      });
      await response.arrayBuffer();
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return controller.signal.aborted ? (this.closed ? 'sandbox closed' : 'timeout') : describeError(error);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.slots > 0) {
      this.slots -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.slots += 1;
  }
}
