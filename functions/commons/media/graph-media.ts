import {
  describeError,
  isObject,
  optionalString,
  parseJson,
  requestGraph,
  withoutSecret,
  type GraphAnswer,
} from '#graph/graph-request';

/**
 * Meta's media endpoints: `GET /{media-id}` (a URL valid for five minutes, with the file's type,
 * digest and size), the download of that URL with the access token, and `POST /{phone-number-id}/media`.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; retryable: boolean; reason: string };

export interface MediaInfo {
  url: string;
  mimeType?: string;
  sha256?: string;
  fileSize?: number;
}

export interface GraphMediaOptions {
  baseUrl: string;
  version: string;
  accessToken: () => Promise<string>;
  /** per request; a download of a large file gets `downloadTimeoutMs` */
  timeoutMs?: number;
  downloadTimeoutMs?: number;
  fetch?: typeof fetch;
}

export interface GraphMedia {
  info(mediaId: string): Promise<Outcome<MediaInfo>>;
  /** the bytes, refused once they pass `maxBytes` (never held in full) */
  download(url: string, maxBytes: number): Promise<Outcome<Buffer> | { ok: false; tooLarge: true; reason: string }>;
  upload(phoneNumberId: string, bytes: Uint8Array, mimeType: string, filename: string): Promise<Outcome<string>>;
}

const retryableStatus = (status: number): boolean => status === 429 || status >= 500;

const graphReason = (status: number, text: string, token: string): string => {
  const body = parseJson(text);
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  const message = error ? `${String(error.message ?? '')} (code ${String(error.code ?? 'none')})` : text.slice(0, 200);
  return withoutSecret(`Graph API answered ${status}: ${message}`, token);
};

/** A request that got no answer or a refusal, as the media worker's outcome. */
const failure = (answer: GraphAnswer, token: string): { ok: false; retryable: boolean; reason: string } =>
  answer.answered
    ? { ok: false, retryable: retryableStatus(answer.status), reason: graphReason(answer.status, answer.text, token) }
    : { ok: false, retryable: true, reason: answer.message };

export const createGraphMedia = (options: GraphMediaOptions): GraphMedia => {
  const doFetch = options.fetch ?? globalThis.fetch;
  const base = `${options.baseUrl.replace(/\/+$/, '')}/${options.version}`;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const downloadTimeoutMs = options.downloadTimeoutMs ?? 120_000;

  return {
    async info(mediaId) {
      const token = await options.accessToken();
      const answer = await requestGraph(
        doFetch,
        `${base}/${encodeURIComponent(mediaId)}`,
        { method: 'GET', headers: { authorization: `Bearer ${token}` } },
        timeoutMs,
      );
      if (!answer.answered || !answer.ok) return failure(answer, token);
      const body = parseJson(answer.text);
      const url = isObject(body) ? optionalString(body.url) : undefined;
      if (!isObject(body) || !url) return { ok: false, retryable: true, reason: 'Graph API answered no media url' };
      const mimeType = optionalString(body.mime_type);
      const sha256 = optionalString(body.sha256);
      const fileSize = Number(body.file_size);
      return {
        ok: true,
        value: {
          url,
          ...(mimeType ? { mimeType } : {}),
          ...(sha256 ? { sha256 } : {}),
          ...(Number.isFinite(fileSize) && fileSize >= 0 ? { fileSize } : {}),
        },
      };
    },

    async download(url, maxBytes) {
      const token = await options.accessToken();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), downloadTimeoutMs);
      try {
        const response = await doFetch(url, {
          headers: { authorization: `Bearer ${token}` },
          signal: controller.signal,
        });
        if (!response.ok) {
          const text = await response.text();
          return {
            ok: false,
            retryable: retryableStatus(response.status),
            reason: graphReason(response.status, text, token),
          };
        }
        const declared = Number(response.headers.get('content-length'));
        const tooLarge = { ok: false as const, tooLarge: true as const, reason: `larger than ${maxBytes} bytes` };
        if (Number.isFinite(declared) && declared > maxBytes) {
          await response.body?.cancel();
          return tooLarge;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of response.body ?? []) {
          size += (chunk as Uint8Array).length;
          if (size > maxBytes) {
            controller.abort();
            return tooLarge;
          }
          chunks.push(Buffer.from(chunk as Uint8Array));
        }
        return { ok: true, value: Buffer.concat(chunks) };
      } catch (error) {
        const reason = controller.signal.aborted
          ? `the media download did not finish within ${downloadTimeoutMs} ms`
          : `the media could not be downloaded: ${describeError(error)}`;
        return { ok: false, retryable: true, reason: withoutSecret(reason, token) };
      } finally {
        clearTimeout(timer);
      }
    },

    async upload(phoneNumberId, bytes, mimeType, filename) {
      const token = await options.accessToken();
      const form = new FormData();
      form.append('messaging_product', 'whatsapp');
      form.append('type', mimeType);
      form.append('file', new Blob([bytes], { type: mimeType }), filename);
      const answer = await requestGraph(
        doFetch,
        `${base}/${encodeURIComponent(phoneNumberId)}/media`,
        { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form },
        downloadTimeoutMs,
      );
      if (!answer.answered || !answer.ok) return failure(answer, token);
      const body = parseJson(answer.text);
      const id = isObject(body) ? optionalString(body.id) : undefined;
      if (!id) return { ok: false, retryable: false, reason: 'Graph API answered no media id' };
      return { ok: true, value: id };
    },
  };
};

/** Retries what may pass on a second try (429, 5xx, timeouts), with jittered exponential backoff. */
export const withRetries = async <T>(
  attempt: () => Promise<Outcome<T>>,
  options: { attempts: number; baseDelayMs: number; sleep?: (ms: number) => Promise<void> },
): Promise<Outcome<T> & { attempts?: number }> => {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let last: Outcome<T> = { ok: false, retryable: false, reason: 'not attempted' };
  for (let i = 0; i < options.attempts; i++) {
    last = await attempt();
    if (last.ok || !last.retryable) return last;
    if (i < options.attempts - 1) await sleep(options.baseDelayMs * 2 ** i * (0.5 + Math.random() / 2));
  }
  return last.ok ? last : { ...last, reason: `${last.reason} (after ${options.attempts} attempts)` };
};
