import { MEDIA_LIMITS } from './platform';

/** The message types whose content is a file Meta holds for us: the ones the engine copies to storage. */
export type MediaType = keyof typeof MEDIA_LIMITS;
export const MEDIA_TYPES = Object.keys(MEDIA_LIMITS) as MediaType[];

export const isMediaType = (type: string): type is MediaType => Object.hasOwn(MEDIA_LIMITS, type);

/** pending: waiting for the worker; stored: in the media bucket; failed: refused or kept failing (see reason). */
export type MediaState = 'pending' | 'stored' | 'failed';

/** What a message item holds about its media, as the history route shows it. */
export interface MediaRecord {
  id: string;
  mimeType?: string;
  /** Meta's digest of the file, as Meta wrote it (base64 in webhooks) */
  sha256?: string;
  /** bytes, once known (Meta's file_size, then what was stored) */
  size?: number;
  filename?: string;
  animated?: boolean;
  state: MediaState;
  reason?: string;
  /** the object key in the media bucket, once stored */
  key?: string;
  /** the media bucket, once stored: with `key`, the location `media.stored` publishes */
  bucket?: string;
}

/** Where the engine serves a stored file (GET /media/{wamid}/{mediaId}): the history route and the events name it. */
export const mediaPath = (wamid: string, mediaId: string): string =>
  `/media/${encodeURIComponent(wamid)}/${encodeURIComponent(mediaId)}`;

const stringField = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** `audio/ogg; codecs=opus` → `audio/ogg`: limits and extensions go by the bare type. */
export const bareMimeType = (mimeType: string): string => mimeType.split(';')[0]?.trim().toLowerCase() ?? '';

/** The media of an inbound message as Meta's webhook describes it, pending until the worker fetches it. */
export const inboundMedia = (type: string, raw: Record<string, unknown>): MediaRecord | undefined => {
  if (!isMediaType(type)) return undefined;
  const object = raw[type];
  if (typeof object !== 'object' || object === null) return undefined;
  const fields = object as Record<string, unknown>;
  const id = stringField(fields.id);
  if (!id) return undefined;
  const mimeType = stringField(fields.mime_type);
  const sha256 = stringField(fields.sha256);
  const filename = stringField(fields.filename);
  return {
    id: id.slice(0, 256),
    ...(mimeType ? { mimeType: mimeType.slice(0, 256) } : {}),
    ...(sha256 ? { sha256: sha256.slice(0, 128) } : {}),
    ...(filename ? { filename: filename.slice(0, 512) } : {}),
    ...(fields.animated === true ? { animated: true } : {}),
    state: 'pending',
  };
};

/** The largest file Meta accepts for this type (an animated sticker may be larger than a static one). */
export const maxBytesFor = (type: MediaType, animated = false): number => {
  const limits = MEDIA_LIMITS[type];
  return 'animatedMaxBytes' in limits && animated ? limits.animatedMaxBytes : limits.maxBytes;
};

/** The message type an upload of this MIME type is for (webp is a sticker); undefined when Meta takes none. */
export const mediaTypeOfMime = (mimeType: string): MediaType | undefined => {
  const bare = bareMimeType(mimeType);
  return MEDIA_TYPES.find((type) => (MEDIA_LIMITS[type].mimeTypes as readonly string[]).includes(bare));
};

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/ogg': 'ogg',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'text/plain': 'txt',
  'application/pdf': 'pdf',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

export const extensionOf = (mimeType: string | undefined): string =>
  (mimeType && EXTENSIONS[bareMimeType(mimeType)]) || 'bin';

/** Where a message's media lives in the bucket; ids are Meta's, with path separators taken out. */
export const mediaObjectKey = (phoneNumberId: string, wamid: string, mediaId: string, mimeType?: string): string => {
  const safe = (part: string) => part.replace(/[/\\]/g, '_');
  return `media/${safe(phoneNumberId)}/${safe(wamid)}/${safe(mediaId)}.${extensionOf(mimeType)}`;
};

/** Meta writes the digest in base64 in webhooks and in hex from `GET /{media-id}`; either must match. */
export const sha256Matches = (expected: string, digest: Buffer): boolean => {
  const value = expected.trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return value.toLowerCase() === digest.toString('hex');
  return value.replace(/=+$/, '') === digest.toString('base64').replace(/=+$/, '');
};

/** A WebP with the VP8X header's animation flag: Meta's animated sticker, allowed up to 500 KB. */
export const isAnimatedWebp = (bytes: Uint8Array): boolean =>
  bytes.length > 20 &&
  Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'RIFF' &&
  Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP' &&
  Buffer.from(bytes.subarray(12, 16)).toString('latin1') === 'VP8X' &&
  ((bytes[20] ?? 0) & 0x02) !== 0;

export type UploadCheck =
  | { ok: true; type: MediaType; mimeType: string }
  | { ok: false; code: 'UNSUPPORTED_MEDIA_TYPE' | 'MEDIA_TOO_LARGE' | 'MEDIA_EMPTY'; message: string };

const megabytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${bytes / 1024} KB`;

/** What Meta would refuse, refused first with the limit named: unknown MIME types, empty or oversized files. */
export const checkUpload = (mimeType: string, bytes: Uint8Array): UploadCheck => {
  const type = mediaTypeOfMime(mimeType);
  if (!type) {
    const accepted = MEDIA_TYPES.flatMap((t) => MEDIA_LIMITS[t].mimeTypes).join(', ');
    return {
      ok: false,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: `WhatsApp does not accept ${bareMimeType(mimeType) || 'a file without a content type'}; send one of ${accepted}.`,
    };
  }
  if (bytes.length === 0) return { ok: false, code: 'MEDIA_EMPTY', message: 'The file is empty.' };
  const animated = type === 'sticker' && isAnimatedWebp(bytes);
  const limit = maxBytesFor(type, animated);
  if (bytes.length > limit) {
    const what =
      type === 'sticker'
        ? `${animated ? 'an animated' : 'a static'} sticker`
        : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
    return {
      ok: false,
      code: 'MEDIA_TOO_LARGE',
      message: `The file is ${bytes.length} bytes; WhatsApp takes at most ${megabytes(limit)} (${limit} bytes) for ${what}.`,
    };
  }
  return { ok: true, type, mimeType: bareMimeType(mimeType) };
};
