/**
 * Media in the WhatsApp sandbox, as Meta serves it: a user message may carry an image, audio, video,
 * document or sticker (base64 in the sandbox call); its webhook names a media id whose URL
 * (`GET /{version}/{media-id}`) works for five minutes with the access token and serves the exact
 * bytes with Meta's digest (base64 in the webhook, hex from the URL call, as Meta writes them);
 * `POST /{version}/{phone-number-id}/media` takes uploads that sends may then use by id.
 * Faults: `POST /sandbox/media/faults` with `{ "mode": "sha256-mismatch" | "url-delay", "count"?, "delayMs"? }`.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MEDIA_URL_SECONDS } from '#domain/platform';
import { checkUpload, isMediaType, MEDIA_TYPES } from '#domain/media';

type Json = Record<string, unknown>;

export interface SandboxMediaFile {
  id: string;
  bytes: Buffer;
  mimeType: string;
  origin: 'user' | 'upload';
  /** epoch ms when its URL was last answered and when its bytes were last downloaded */
  urlServedAt?: number;
  downloadedAt?: number;
}

export interface SandboxMediaOptions {
  accessToken: string;
  /** the sandbox's own base URL, for the download URLs it hands out */
  baseUrl: () => string;
  now?: () => number;
  log?: (entry: Record<string, unknown>) => void;
}

export interface SandboxMedia {
  /** answers the media paths; false when the request is not one of them */
  route(req: IncomingMessage, res: ServerResponse, path: string, method: string): Promise<boolean>;
  /** a user message's media part (`{ type, [type]: {...} }`), undefined without media, or an error to answer 400 with */
  inboundContent(body: Json): Json | { error: string } | undefined;
  /** whether a send's `{ "id": ... }` names media the sandbox holds */
  has(id: string): boolean;
  file(id: string): SandboxMediaFile | undefined;
}

const MEDIA_PATH = /^\/sandbox\/media\/([^/]+)$/;
const DOWNLOAD_PATH = /^\/sandbox\/media\/([^/]+)\/download$/;
const URL_PATH = /^\/v\d+(?:\.\d+)?\/([^/]+)$/;
const UPLOAD_PATH = /^\/v\d+(?:\.\d+)?\/([^/]+)\/media$/;
const MAX_UPLOAD_BYTES = 110 * 1024 * 1024;

const send = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const graphError = (status: number, code: number, message: string) => ({
  status,
  body: { error: { message, type: 'OAuthException', code, fbtrace_id: 'sandbox' } },
});

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_UPLOAD_BYTES) {
        reject(new Error('upload too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const createSandboxMedia = (options: SandboxMediaOptions): SandboxMedia => {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const files = new Map<string, SandboxMediaFile>();
  /** download URLs: token → media id and when it stops working */
  const urls = new Map<string, { id: string; expiresAt: number }>();
  const faults = { sha256Mismatch: 0, urlDelay: 0, urlDelayMs: 5000 };
  const tokenDigest = createHash('sha256').update(options.accessToken).digest();
  const bearerOk = (header: string | undefined): boolean => {
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    return token !== undefined && timingSafeEqual(createHash('sha256').update(token).digest(), tokenDigest);
  };
  const freshId = (): string => `${randomInt(1e5, 1e6)}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
  const keep = (bytes: Buffer, mimeType: string, origin: SandboxMediaFile['origin']): SandboxMediaFile => {
    const file = { id: freshId(), bytes, mimeType, origin };
    files.set(file.id, file);
    return file;
  };

  const inboundContent = (body: Json): Json | { error: string } | undefined => {
    const present = MEDIA_TYPES.filter((type) => body[type] !== undefined);
    if (present.length === 0) return undefined;
    const [type] = present;
    if (present.length > 1 || !type || !isMediaType(type)) return { error: 'Give one media object per message.' };
    const media = body[type];
    if (!isObject(media) || typeof media.data !== 'string' || typeof media.mimeType !== 'string') {
      return { error: `${type} needs data (the file in base64) and mimeType.` };
    }
    const bytes = Buffer.from(media.data, 'base64');
    if (bytes.length === 0) return { error: `${type}.data must be the file in base64.` };
    if (media.caption !== undefined && (typeof media.caption !== 'string' || type === 'audio' || type === 'sticker')) {
      return { error: 'caption is text, for image, video and document only.' };
    }
    if (type === 'document' && media.filename !== undefined && typeof media.filename !== 'string') {
      return { error: 'document.filename must be a string.' };
    }
    const file = keep(bytes, media.mimeType, 'user');
    let sha256 = createHash('sha256').update(bytes).digest('base64');
    if (faults.sha256Mismatch > 0) {
      faults.sha256Mismatch -= 1;
      sha256 = createHash('sha256').update('not the file').digest('base64');
      log({ level: 'WARN', message: 'sandbox media fault: wrong sha256 in the webhook', mediaId: file.id });
    }
    return {
      type,
      [type]: {
        id: file.id,
        mime_type: media.mimeType,
        sha256,
        ...(typeof media.caption === 'string' ? { caption: media.caption } : {}),
        ...(type === 'document' && typeof media.filename === 'string' ? { filename: media.filename } : {}),
        ...(type === 'sticker' ? { animated: media.animated === true } : {}),
      },
    };
  };

  const answerUrl = async (res: ServerResponse, file: SandboxMediaFile): Promise<void> => {
    if (faults.urlDelay > 0) {
      faults.urlDelay -= 1;
      await new Promise((resolve) => setTimeout(resolve, faults.urlDelayMs));
    }
    const token = createHash('sha256').update(`${file.id}:${now()}:${Math.random()}`).digest('hex');
    urls.set(token, { id: file.id, expiresAt: now() + MEDIA_URL_SECONDS * 1000 });
    file.urlServedAt = now();
    send(res, 200, {
      messaging_product: 'whatsapp',
      url: `${options.baseUrl()}/sandbox/media/${token}/download`,
      mime_type: file.mimeType,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      file_size: file.bytes.length,
      id: file.id,
    });
  };

  const upload = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    let form: FormData;
    try {
      form = await new Response(raw, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
    } catch {
      const failure = graphError(400, 100, '(#100) The upload must be multipart/form-data with a file part.');
      send(res, failure.status, failure.body);
      return;
    }
    const file = form.get('file');
    const type = form.get('type');
    if (form.get('messaging_product') !== 'whatsapp' || !file || typeof file === 'string') {
      const failure = graphError(400, 100, '(#100) messaging_product=whatsapp and a file part are required.');
      send(res, failure.status, failure.body);
      return;
    }
    const bytes = Buffer.from(await file.arrayBuffer());
    const mimeType = typeof type === 'string' && type ? type : file.type;
    const check = checkUpload(mimeType, bytes);
    if (!check.ok) {
      // Meta's own refusal of a file it does not take
      const failure = graphError(400, 131053, `(#131053) Media upload error: ${check.message}`);
      send(res, failure.status, failure.body);
      return;
    }
    const kept = keep(bytes, check.mimeType, 'upload');
    log({ message: 'sandbox media uploaded', mediaId: kept.id, bytes: bytes.length });
    send(res, 200, { id: kept.id });
  };

  const route = async (req: IncomingMessage, res: ServerResponse, path: string, method: string): Promise<boolean> => {
    if (path === '/sandbox/media/faults' && method === 'POST') {
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Json;
      const count = typeof body.count === 'number' && Number.isInteger(body.count) && body.count > 0 ? body.count : 1;
      if (body.mode === 'sha256-mismatch') faults.sha256Mismatch += count;
      else if (body.mode === 'url-delay') {
        faults.urlDelay += count;
        if (typeof body.delayMs === 'number' && body.delayMs >= 0) faults.urlDelayMs = body.delayMs;
      } else {
        send(res, 400, { error: { code: 'VALIDATION_ERROR', message: 'mode must be sha256-mismatch or url-delay.' } });
        return true;
      }
      send(res, 200, { sha256Mismatch: faults.sha256Mismatch, urlDelay: faults.urlDelay, delayMs: faults.urlDelayMs });
      return true;
    }
    const download = DOWNLOAD_PATH.exec(path);
    if (download && method === 'GET') {
      const entry = urls.get(download[1] ?? '');
      const file = entry && entry.expiresAt > now() ? files.get(entry.id) : undefined;
      const failure = !bearerOk(req.headers.authorization)
        ? graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token')
        : !file
          ? graphError(404, 100, 'The media URL is unknown or has expired; ask GET /{media-id} for a new one.')
          : undefined;
      if (failure || !file) {
        send(res, failure?.status ?? 404, failure?.body ?? {});
        return true;
      }
      file.downloadedAt = now();
      res.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(file.bytes.length) });
      res.end(file.bytes);
      return true;
    }
    const info = MEDIA_PATH.exec(path);
    if (info && method === 'GET') {
      const file = files.get(info[1] ?? '');
      if (!file) send(res, 404, { error: { code: 'NOT_FOUND', message: 'No such media in the sandbox.' } });
      else {
        const { bytes, ...rest } = file;
        send(res, 200, { ...rest, size: bytes.length });
      }
      return true;
    }
    const url = URL_PATH.exec(path);
    if (url && method === 'GET' && files.has(url[1] ?? '')) {
      if (!bearerOk(req.headers.authorization)) {
        const failure = graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
        send(res, failure.status, failure.body);
        return true;
      }
      await answerUrl(res, files.get(url[1] ?? '') as SandboxMediaFile);
      return true;
    }
    if (UPLOAD_PATH.test(path) && method === 'POST') {
      if (!bearerOk(req.headers.authorization)) {
        const failure = graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
        send(res, failure.status, failure.body);
        return true;
      }
      await upload(req, res);
      return true;
    }
    return false;
  };

  return { route, inboundContent, has: (id) => files.has(id), file: (id) => files.get(id) };
};
