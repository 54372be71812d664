/**
 * The HTTP plumbing both local servers share (the API server that runs our handlers, and the
 * WhatsApp sandbox that stands in for Meta): reading a bounded body, JSON answers, and listening.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A body over the limit: refused before it is all read, so a huge upload costs no memory. */
export class BodyTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`Request bodies are limited to ${limitBytes} bytes.`);
  }
}

/** The whole body, or BodyTooLarge as soon as the declared or received size passes `limitBytes`. */
export const readBody = (req: IncomingMessage, limitBytes: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limitBytes) {
      reject(new BodyTooLarge(limitBytes));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new BodyTooLarge(limitBytes));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

export const writeJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** Our error shape, `{ "error": { code, message } }`, as the API's own handlers answer it. */
export const writeJsonError = (res: ServerResponse, status: number, code: string, message: string): void =>
  writeJson(res, status, { error: { code, message } });

export const writeNotFound = (res: ServerResponse, message: string): void =>
  writeJsonError(res, 404, 'NOT_FOUND', message);

/** Listens and answers the port really bound (port 0 picks a free one) and the base url. */
export const listen = async (server: Server, port: number, host: string): Promise<{ port: number; url: string }> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return { port: bound, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}` };
};
