import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 that answers each request with the next scripted reply: what the
 * Graph clients' tests put in Meta's place to provoke each answer, timeout and dropped connection.
 */

/** A status with a JSON body (or raw text), or no answer at all: `hang` (a timeout) or `drop` (a reset). */
export type Reply =
  { status: number; body?: unknown; raw?: string; headers?: Record<string, string> } | 'hang' | 'drop';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedGraph {
  url: string;
  received: Received[];
  script(...replies: Reply[]): void;
  /** drops the replies not used yet (a request the engine refused before it reached Meta) */
  clear(): void;
  close(): Promise<void>;
}

export const startScriptedGraph = async (): Promise<ScriptedGraph> => {
  const replies: Reply[] = [];
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const reply = replies.shift() ?? { status: 599, body: { error: { message: 'no scripted reply', code: -1 } } };
      if (reply === 'hang') {
        hanging.push(res);
        return;
      }
      if (reply === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script: (...more) => replies.push(...more),
    clear: () => {
      replies.length = 0;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** A fresh scripted Graph for each test of the file: started before it, closed after it. */
export const scriptedGraphForEachTest = (): ScriptedGraph => {
  let graph: ScriptedGraph | undefined;
  beforeEach(async () => {
    graph = await startScriptedGraph();
  });
  afterEach(() => graph?.close());
  return new Proxy({} as ScriptedGraph, {
    get: (_, property) => {
      if (!graph) throw new Error('the scripted Graph starts in beforeEach: use it inside a test');
      const value = Reflect.get(graph, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(graph) : value;
    },
  });
};
