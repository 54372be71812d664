import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import {
  isMediaType,
  maxBytesFor,
  mediaObjectKey,
  sha256Matches,
  bareMimeType,
  type MediaRecord,
  type MediaType,
} from '#domain/media';
import { createHash } from 'node:crypto';
import type { GraphMedia, Outcome } from './graph-media';
import { withRetries } from './graph-media';
import type { MediaStateStore } from './media-state-store';
import type { MediaStorage } from './media-storage';

/** An inbound media message just written to the table, waiting for its file. */
export interface PendingMedia {
  wamid: string;
  phoneNumberId: string;
  type: MediaType;
  media: MediaRecord;
}

/**
 * The stream records the worker wants: inserted inbound messages whose media is pending. The same
 * shape is the event source mapping's filter on AWS (lib/media-worker.ts), so Lambda is not even
 * invoked for the rest; the handler checks again with `pendingMediaOf`.
 */
export const MEDIA_STREAM_FILTER = {
  eventName: ['INSERT'],
  dynamodb: {
    NewImage: {
      direction: { S: ['inbound'] },
      media: { M: { state: { S: ['pending'] } } },
    },
  },
} as const;

const s = (value: AttributeValue | undefined): string | undefined => value?.S;

export const pendingMediaOf = (record: DynamoDBRecord): PendingMedia | undefined => {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image || s(image.direction) !== 'inbound') return undefined;
  const type = s(image.type);
  const media = image.media?.M;
  const wamid = s(image.pk)?.replace(/^MSG#/, '');
  const phoneNumberId = s(image.phoneNumberId);
  const id = s(media?.id);
  if (!type || !isMediaType(type) || !media || s(media.state) !== 'pending' || !wamid || !phoneNumberId || !id) {
    return undefined;
  }
  const mimeType = s(media.mimeType);
  const sha256 = s(media.sha256);
  return {
    wamid,
    phoneNumberId,
    type,
    media: {
      id,
      state: 'pending',
      ...(mimeType ? { mimeType } : {}),
      ...(sha256 ? { sha256 } : {}),
      ...(media.animated?.BOOL ? { animated: true } : {}),
    },
  };
};

export interface StoreMediaDeps {
  graph: GraphMedia;
  storage: MediaStorage;
  state: MediaStateStore;
  retry: { attempts: number; baseDelayMs: number; sleep?: (ms: number) => Promise<void> };
}

type Fetched = { bytes: Buffer; mimeType: string };

/** One attempt: a fresh URL (it lasts five minutes), the bytes within the limit, Meta's digest checked. */
const fetchOnce = async (deps: StoreMediaDeps, pending: PendingMedia, limit: number): Promise<Outcome<Fetched>> => {
  const info = await deps.graph.info(pending.media.id);
  if (!info.ok) return info;
  const { fileSize, url } = info.value;
  const limitText = `WhatsApp's limit for ${pending.type} is ${limit} bytes`;
  if (fileSize !== undefined && fileSize > limit) {
    return { ok: false, retryable: false, reason: `refused: the file is ${fileSize} bytes; ${limitText}` };
  }
  const downloaded = await deps.graph.download(url, limit);
  if ('tooLarge' in downloaded)
    return { ok: false, retryable: false, reason: `refused: the file is ${downloaded.reason}; ${limitText}` };
  if (!downloaded.ok) return downloaded;
  const bytes = downloaded.value;
  const expected = pending.media.sha256 ?? info.value.sha256;
  if (expected && !sha256Matches(expected, createHash('sha256').update(bytes).digest())) {
    // A corrupted transfer may pass on the next try; a file that never matches ends as failed.
    return { ok: false, retryable: true, reason: "sha256 mismatch: the downloaded bytes do not match Meta's digest" };
  }
  const mimeType = bareMimeType(pending.media.mimeType ?? info.value.mimeType ?? 'application/octet-stream');
  return { ok: true, value: { bytes, mimeType } };
};

/**
 * Copies one inbound media file from Meta to the media bucket and records the outcome on the message.
 * What cannot succeed (too large, gone, never matching its digest, retries used up) ends as
 * `media.state: failed` with the reason. Only a failure to record that outcome throws, so the stream
 * redelivers the record and, after its retries, parks it on the on-failure queue: nothing is dropped.
 */
export const storeInboundMedia = async (deps: StoreMediaDeps, pending: PendingMedia): Promise<MediaRecord['state']> => {
  const limit = maxBytesFor(pending.type, pending.media.animated === true);
  const fetched = await withRetries(() => fetchOnce(deps, pending, limit), deps.retry);
  if (!fetched.ok) {
    await deps.state.markFailed(pending.wamid, fetched.reason);
    return 'failed';
  }
  const { bytes, mimeType } = fetched.value;
  const key = mediaObjectKey(pending.phoneNumberId, pending.wamid, pending.media.id, mimeType);
  const stored = await withRetries<void>(async () => {
    try {
      await deps.storage.put(key, bytes, mimeType);
      return { ok: true, value: undefined };
    } catch (error) {
      return { ok: false, retryable: true, reason: `the media bucket refused the file: ${(error as Error).name}` };
    }
  }, deps.retry);
  if (!stored.ok) {
    await deps.state.markFailed(pending.wamid, stored.reason);
    return 'failed';
  }
  await deps.state.markStored(pending.wamid, { bucket: deps.storage.bucket, key }, bytes.length);
  return 'stored';
};
