/**
 * Headless Chromium (Debian's `chromium-headless-shell` or `chromium`) driven over the DevTools
 * protocol on a pipe (--remote-debugging-pipe: no port, nothing listens): opens one page at a fixed
 * window size, records every console message, uncaught exception, log entry and network request the
 * page makes, and takes a PNG screenshot.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM_BINARIES = ['chromium-headless-shell', 'chromium'];

/** The first Chromium on the PATH, or undefined. */
export const findChromium = (): string | undefined =>
  CHROMIUM_BINARIES.find((name) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0);

export interface PageVisit {
  png: Buffer;
  /** console messages of type error or warning, uncaught exceptions, error log entries (CSP, failed loads) */
  errors: string[];
  /** every URL the page requested besides itself */
  requests: string[];
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

export const visitPage = async (
  url: string,
  options: { width: number; height: number; timeoutMs?: number; binary?: string },
): Promise<PageVisit> => {
  const binary = options.binary ?? findChromium();
  if (!binary)
    throw new Error(
      `no headless Chromium: install chromium-headless-shell (apt-get install -y chromium-headless-shell)`,
    );
  const profile = mkdtempSync(join(tmpdir(), 'chromium-'));
  const child = spawn(
    binary,
    [
      '--headless',
      '--remote-debugging-pipe',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      `--window-size=${options.width},${options.height}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  const errors: string[] = [];
  const requests: string[] = [];
  const waiting = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  const events: Array<(m: Message) => void> = [];
  let nextId = 1;
  let buffer = Buffer.alloc(0);
  output.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let end = buffer.indexOf(0); end !== -1; end = buffer.indexOf(0)) {
      const message = JSON.parse(buffer.subarray(0, end).toString('utf8')) as Message;
      buffer = buffer.subarray(end + 1);
      if (message.id !== undefined) {
        const pending = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.error) pending?.reject(new Error(message.error.message));
        else pending?.resolve(message);
      } else for (const listener of events) listener(message);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Message> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\u0000`);
    });

  const timeout = new Promise<never>((_, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`Chromium did not finish within ${options.timeoutMs ?? 30_000} ms:\n${stderr.slice(-2000)}`)),
      options.timeoutMs ?? 30_000,
    );
    void exited.then(() => clearTimeout(timer));
  });
  const run = async (): Promise<Buffer> => {
    const target = await send('Target.createTarget', { url: 'about:blank' });
    const attached = await send('Target.attachToTarget', { targetId: target.result?.targetId, flatten: true });
    const session = String(attached.result?.sessionId);
    let loaded: () => void = () => undefined;
    const load = new Promise<void>((resolve) => (loaded = resolve));
    events.push((message) => {
      if (message.sessionId !== session) return;
      const params = message.params ?? {};
      if (message.method === 'Page.loadEventFired') loaded();
      if (message.method === 'Runtime.consoleAPICalled' && ['error', 'warning', 'assert'].includes(String(params.type)))
        errors.push(`console.${String(params.type)}: ${JSON.stringify(params.args)}`);
      if (message.method === 'Runtime.exceptionThrown')
        errors.push(`exception: ${JSON.stringify(params.exceptionDetails)}`);
      if (message.method === 'Log.entryAdded') {
        const entry = params.entry as { level?: string; text?: string; url?: string } | undefined;
        if (entry?.level === 'error' || entry?.level === 'warning')
          errors.push(`log ${entry.level}: ${entry.text ?? ''} ${entry.url ?? ''}`.trim());
      }
      if (message.method === 'Network.requestWillBeSent') {
        const requested = String((params.request as { url?: string } | undefined)?.url);
        if (requested !== url) requests.push(requested);
      }
    });
    for (const method of ['Page.enable', 'Runtime.enable', 'Log.enable', 'Network.enable'])
      await send(method, {}, session);
    await send(
      'Emulation.setDeviceMetricsOverride',
      { width: options.width, height: options.height, deviceScaleFactor: 1, mobile: false },
      session,
    );
    await send('Page.navigate', { url }, session);
    await load;
    // Errors are reported as they happen; one round trip after the load makes sure the last are in.
    await send('Runtime.evaluate', { expression: '1' }, session);
    const shot = await send('Page.captureScreenshot', { format: 'png' }, session);
    return Buffer.from(String(shot.result?.data), 'base64');
  };
  try {
    const png = await Promise.race([run(), timeout]);
    return { png, errors, requests };
  } finally {
    try {
      input.write(`${JSON.stringify({ id: nextId++, method: 'Browser.close', params: {} })}\u0000`);
    } catch {
      // already gone
    }
    const closed = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5_000))]);
    if (!closed) child.kill('SIGKILL');
    rmSync(profile, { recursive: true, force: true });
  }
};

/** Width and height from a PNG's IHDR chunk (bytes 16 to 24), after checking the signature. */
export const pngSize = (png: Buffer): { width: number; height: number } => {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (png.length < 24 || !png.subarray(0, 8).equals(signature) || png.toString('latin1', 12, 16) !== 'IHDR')
    throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
};
