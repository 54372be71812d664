import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  'detail-type': string;
  id: string;
  time: string;
  detail: Record<string, unknown> & { eventId: string; phoneNumberId?: string };
  [key: string]: unknown;
}

export interface EventListener {
  url: string;
  /** every envelope answered 2xx, in arrival order */
  events: ReceivedEvent[];
  /** envelopes whose sender went away before they were answered (never acknowledged) */
  abandoned: ReceivedEvent[];
  /** every request, whatever was answered */
  requests: { headers: IncomingHttpHeaders; status: number; receivedAt: number }[];
  /** answers the next requests with these statuses (then 200 again) */
  failNext(...statuses: number[]): void;
  /** forgets the failures still queued: every request is answered 200 again */
  answerOk(): void;
  /** holds every request unanswered until release() (the endpoint "hangs") */
  hold(): void;
  release(): void;
  /** how many requests are being held right now */
  held(): number;
  /** the endpoint goes away (connections refused) until up() */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** A test endpoint on 127.0.0.1 standing for the business's service. */
export const startEventListener = async (): Promise<EventListener> => {
  const events: ReceivedEvent[] = [];
  const abandoned: ReceivedEvent[] = [];
  const requests: EventListener['requests'] = [];
  const failures: number[] = [];
  let holding = false;
  const parked: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = () => {
        if (req.socket.destroyed) {
          abandoned.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedEvent);
          return;
        }
        const status = failures.shift() ?? 200;
        requests.push({ headers: req.headers, status, receivedAt: Date.now() });
        if (status < 300) events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedEvent);
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      };
      if (holding) parked.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    events,
    abandoned,
    requests,
    failNext: (...statuses) => failures.push(...statuses),
    answerOk: () => failures.splice(0),
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const answer of parked.splice(0)) answer();
    },
    held: () => parked.length,
    down: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    up: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** Waits for a condition with a bounded deadline (no fixed sleep); returns whether it came true. */
export const waitUntil = async (condition: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  return condition();
};
