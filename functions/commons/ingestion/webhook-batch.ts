/**
 * Big webhook POSTs answered in bounded time. Meta sends up to 1,000 updates in one POST, mostly
 * while it works off a backlog; applying them takes about 1.5 DynamoDB requests each, and the
 * SDK's work for those requests is CPU: at 512 MB a Lambda has 29% of a vCPU, so 1,000 updates
 * take seconds. Meta wants the 200 within seconds and counts slow answers as failures
 * (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications).
 *
 * So a POST with more events than a threshold is verified and parsed as always, then written
 * durably as a few chunks (gzipped parsed events, one conditional write each) and answered 200;
 * the table's stream hands each chunk to the apply-webhook-batch function, which applies it with
 * the same `ingestWebhook` the synchronous path uses, at the time the POST was received.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { retentionSeconds } from '#domain/platform';
import type { EpochSeconds } from '#domain/time';
import type { WebhookBatchChunk, WebhookBatches } from '#store/webhook-batches';
import type { ParsedWebhook, WebhookEvent } from '#webhook/events';
import { ingestWebhook, type IngestOptions, type IngestSummary } from './ingest-webhook';

/** POSTs with more events than this are deferred; at 512 MB about 50 updates still answer within 250 ms. */
export const DEFAULT_DEFER_ABOVE_EVENTS = 50;

/** Events per chunk: a chunk is applied by one invocation, so this bounds the work (and the time) of one. */
export const MAX_CHUNK_EVENTS = 250;

/**
 * Compressed bytes per chunk, well under DynamoDB's 400 KB item limit
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items).
 */
export const MAX_CHUNK_BYTES = 300_000;

/** True when a POST of this many events is answered before it is applied. */
export const shouldDefer = (events: number, threshold: number): boolean => events > threshold;

/**
 * The POST's events in chunks of at most `maxEvents`, in their order, except that the statuses
 * of one message stay in the chunk of its first status: they are folded and written together,
 * as on the synchronous path (a chunk may exceed `maxEvents` by those few).
 */
export const chunkEvents = (events: readonly WebhookEvent[], maxEvents = MAX_CHUNK_EVENTS): WebhookEvent[][] => {
  const chunks: WebhookEvent[][] = [];
  const chunkOfMessage = new Map<string, WebhookEvent[]>();
  let current: WebhookEvent[] | undefined;
  for (const event of events) {
    const home = event.kind === 'status' ? chunkOfMessage.get(event.messageId) : undefined;
    if (home) {
      home.push(event);
      continue;
    }
    if (!current || current.length >= maxEvents) {
      current = [];
      chunks.push(current);
    }
    current.push(event);
    if (event.kind === 'status') chunkOfMessage.set(event.messageId, current);
  }
  return chunks;
};

/** A chunk's stored form; undefined when its events cannot be serialized (nested too deeply). */
export const encodeEvents = (events: readonly WebhookEvent[]): Uint8Array | undefined => {
  try {
    return gzipSync(JSON.stringify(events), { level: 1 });
  } catch {
    return undefined;
  }
};

export const decodeEvents = (payload: Uint8Array): WebhookEvent[] =>
  JSON.parse(gunzipSync(payload).toString('utf8')) as WebhookEvent[];

/** Chunks encoded under MAX_CHUNK_BYTES, halving a chunk that is still too big; undefined if one event alone is. */
export const encodeChunks = (
  chunks: readonly WebhookEvent[][],
  maxBytes = MAX_CHUNK_BYTES,
): Array<{ events: number; payload: Uint8Array }> | undefined => {
  const encoded: Array<{ events: number; payload: Uint8Array }> = [];
  const pending = [...chunks];
  while (pending.length > 0) {
    const events = pending.shift() as WebhookEvent[];
    const payload = encodeEvents(events);
    if (payload && payload.byteLength <= maxBytes) {
      encoded.push({ events: events.length, payload });
      continue;
    }
    if (events.length <= 1) return undefined;
    const half = Math.ceil(events.length / 2);
    pending.unshift(events.slice(0, half), events.slice(half));
  }
  return encoded;
};

/** The id of a POST: the digest of its raw body, so Meta's redelivery of it has the same id. */
export const batchIdOf = (rawBody: Uint8Array): string =>
  createHash('sha256').update(rawBody).digest('hex').slice(0, 32);

export interface DeferredWebhook {
  batchId: string;
  events: number;
  chunks: number;
  /** true when every chunk was there already: a redelivery of a POST accepted before */
  redelivered: boolean;
}

/**
 * Writes the POST's events durably as chunks; undefined when they cannot be deferred (then the
 * caller applies them synchronously, as for a small POST).
 */
export const deferWebhook = async (
  parsed: ParsedWebhook,
  rawBody: Uint8Array,
  options: { batches: WebhookBatches; now: EpochSeconds; retentionDays: number; maxChunkEvents?: number },
): Promise<DeferredWebhook | undefined> => {
  const encoded = encodeChunks(chunkEvents(parsed.events, options.maxChunkEvents));
  if (!encoded) return undefined;
  const batchId = batchIdOf(rawBody);
  const retainUntil = options.now + retentionSeconds(options.retentionDays);
  const chunks: WebhookBatchChunk[] = encoded.map(({ events, payload }, chunk) => ({
    batchId,
    chunk,
    chunks: encoded.length,
    events,
    receivedAt: options.now,
    payload,
    retainUntil,
  }));
  const accepted = await options.batches.accept(chunks);
  return {
    batchId,
    events: parsed.events.length,
    chunks: chunks.length,
    redelivered: accepted.written === 0,
  };
};

/** A stored chunk, as the stream delivers it. */
export interface StoredChunk {
  batchId: string;
  chunk: number;
  receivedAt: EpochSeconds;
  payload: Uint8Array;
}

/**
 * Applies one chunk with the synchronous path's code, at the time its POST was received (so
 * retention and the stale-status rule judge it as they would have then). Applying it again after
 * a failure is safe: every write of the ingestion is idempotent.
 */
export const applyWebhookChunk = (chunk: StoredChunk, options: Omit<IngestOptions, 'now'>): Promise<IngestSummary> =>
  ingestWebhook({ events: decodeEvents(chunk.payload) }, { ...options, now: chunk.receivedAt });
