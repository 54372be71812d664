import { gzipSync } from 'node:zlib';
import type { DynamoDBRecord } from 'aws-lambda';
import { memoryStores } from '#store/memory/index';
import { parseWebhook } from '#webhook/parse';
import type { WebhookEvent } from '#webhook/events';
import * as payloads from '../../../test/fixtures/payloads.ts';
import { ingestWebhook } from './ingest-webhook';
import {
  applyWebhookChunk,
  batchIdOf,
  chunkEvents,
  decodeEvents,
  deferWebhook,
  encodeChunks,
  shouldDefer,
} from './webhook-batch';
import { chunkOfRecord } from './webhook-batch-record';

const T = 1_760_000_000;
const PN = '106540352242922';

const inbound = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    payloads.textMessage(`m${i}`, { from: `4915${String(1e8 + (i % 7))}`, timestamp: T - 100 + i }),
  );
const statusesOf = (ids: string[]) =>
  ids.flatMap((id) =>
    (['sent', 'delivered', 'read'] as const).map((status, k) =>
      payloads.statusUpdate({ id, status, timestamp: T - 50 + k, recipientId: '491510000000' }),
    ),
  );
const parsed = (messages: unknown[], statuses: unknown[] = []) =>
  parseWebhook(payloads.webhookBody(payloads.messagesChange({ phoneNumberId: PN, messages, statuses })));

describe('deferring big webhook POSTs', () => {
  it('defers a POST with one event more than the threshold, never one at it', () => {
    expect(shouldDefer(50, 50)).toBe(false);
    expect(shouldDefer(51, 50)).toBe(true);
  });

  it('cuts the events into chunks of at most the limit, keeping a message’s statuses in one chunk', () => {
    const ids = ['wamid.a', 'wamid.b'];
    const { events } = parsed(inbound(4), statusesOf(ids));
    // 4 inbound, then a's three statuses, then b's: a chunk of 5 takes a's first status, so all of a's.
    const chunks = chunkEvents(events, 5);
    expect(chunks.map((chunk) => chunk.length)).toEqual([7, 3]);
    const home = (id: string) =>
      new Set(
        chunks.flatMap((chunk, n) => chunk.filter((e) => e.kind === 'status' && e.messageId === id).map(() => n)),
      );
    expect(home('wamid.a')).toEqual(new Set([0]));
    expect(home('wamid.b')).toEqual(new Set([1]));
    expect(new Set(chunks.flat())).toEqual(new Set(events));
  });

  it('keeps every event through encoding, and halves a chunk whose compressed size is over the limit', () => {
    const { events } = parsed(inbound(40));
    const [one] = encodeChunks([events]) ?? [];
    expect(decodeEvents(one?.payload as Uint8Array)).toEqual(events);
    const size = one?.payload.byteLength as number;
    const halved = encodeChunks([events], size - 1) ?? [];
    expect(halved.length).toBeGreaterThan(1);
    expect(halved.flatMap(({ payload }) => decodeEvents(payload))).toEqual(events);
    for (const { payload } of halved) expect(payload.byteLength).toBeLessThanOrEqual(size - 1);
  });

  it('does not defer events it cannot store: one event over the limit alone', () => {
    const { events } = parsed(inbound(1));
    expect(encodeChunks([events], 10)).toBeUndefined();
  });

  it('names a POST by its raw bytes, so a redelivery has the same id and another body another', () => {
    const a = Buffer.from('{"entry":[1]}');
    expect(batchIdOf(a)).toBe(batchIdOf(Buffer.from(a)));
    expect(batchIdOf(a)).not.toBe(batchIdOf(Buffer.from('{"entry":[2]}')));
    expect(batchIdOf(a)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('applies the deferred chunks to the same state as the synchronous path, a second time changing nothing', async () => {
    const body = payloads.webhookBody(payloads.messagesChange({ phoneNumberId: PN, messages: inbound(30) }));
    const raw = Buffer.from(JSON.stringify(body));
    // The alias expiry follows the store's clock: the same fixed clock on both sides.
    const retention = { clock: () => T, retentionDays: 30 };
    const direct = memoryStores(undefined, retention);
    await ingestWebhook(parseWebhook(body), { stores: direct, now: T, retentionDays: 30 });

    const deferred = memoryStores(undefined, retention);
    const accepted = await deferWebhook(parseWebhook(body), raw, {
      batches: deferred.batches,
      now: T,
      retentionDays: 30,
      maxChunkEvents: 8,
    });
    expect(accepted).toMatchObject({ events: 30, chunks: 4, redelivered: false });
    expect(
      await deferWebhook(parseWebhook(body), raw, {
        batches: deferred.batches,
        now: T,
        retentionDays: 30,
        maxChunkEvents: 8,
      }),
    ).toMatchObject({ redelivered: true });

    const chunkItems = deferred.table.all().filter((item) => item.pk.startsWith('WEBHOOK_BATCH#'));
    expect(chunkItems).toHaveLength(4);
    const applyAll = async () => {
      for (const item of chunkItems) {
        await applyWebhookChunk(
          {
            batchId: String(item.batchId),
            chunk: Number(item.chunk),
            receivedAt: Number(item.receivedAt),
            payload: item.payload as Uint8Array,
          },
          { stores: deferred, retentionDays: 30 },
        );
      }
    };
    await applyAll();
    // The history key's middle is the arrival time in ms (a tiebreak within Meta's second): it differs.
    const withoutChunks = (stores: ReturnType<typeof memoryStores>) =>
      stores.table
        .all()
        .filter((item) => !item.pk.startsWith('WEBHOOK_BATCH#'))
        .map((item) =>
          typeof item.historySk === 'string'
            ? { ...item, historySk: item.historySk.replace(/#\d+#/, '#arrival#') }
            : item,
        );
    expect(withoutChunks(deferred)).toEqual(withoutChunks(direct));
    await applyAll();
    expect(withoutChunks(deferred)).toEqual(withoutChunks(direct));
  });
});

describe('the stream record of a chunk', () => {
  const payload = gzipSync(JSON.stringify([] satisfies WebhookEvent[]));
  const record = (eventName: string, pk: string, bytes: string | Uint8Array): DynamoDBRecord =>
    ({
      eventName,
      dynamodb: {
        SequenceNumber: '1',
        NewImage: {
          pk: { S: pk },
          sk: { S: 'CHUNK#002' },
          batchId: { S: 'ab' },
          chunk: { N: '2' },
          receivedAt: { N: String(T) },
          payload: { B: bytes },
        },
      },
    }) as unknown as DynamoDBRecord;

  it('reads an inserted chunk as Lambda delivers it (base64) and as the SDK does (bytes)', () => {
    const expected = { batchId: 'ab', chunk: 2, receivedAt: T, payload: expect.anything() };
    const fromLambda = chunkOfRecord(record('INSERT', 'WEBHOOK_BATCH#ab', payload.toString('base64')));
    const fromSdk = chunkOfRecord(record('INSERT', 'WEBHOOK_BATCH#ab', new Uint8Array(payload)));
    expect(fromLambda).toEqual(expected);
    expect(Buffer.from(fromLambda?.payload as Uint8Array)).toEqual(payload);
    expect(Buffer.from(fromSdk?.payload as Uint8Array)).toEqual(payload);
  });

  it('ignores anything else: a modified or removed chunk, another item kind', () => {
    expect(chunkOfRecord(record('MODIFY', 'WEBHOOK_BATCH#ab', payload.toString('base64')))).toBeUndefined();
    expect(chunkOfRecord(record('REMOVE', 'WEBHOOK_BATCH#ab', payload.toString('base64')))).toBeUndefined();
    expect(chunkOfRecord(record('INSERT', 'MSG#wamid.x', payload.toString('base64')))).toBeUndefined();
  });
});
