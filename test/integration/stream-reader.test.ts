import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { createSessionTable, localClient } from '../../bin/local/dynamodb-local.ts';
import { testStreamsClient } from '#test/streams';
import { LocalStreamReader, type StreamConsumer } from '../../bin/local/events/stream-reader.ts';
import { waitUntil } from '#test/event-listener';
import { testDocumentClient } from '#test/environment';

/**
 * The local stack's one stream reader with two consumers (events publisher and media worker in
 * `npm start`), on DynamoDB Local: each consumer gets the records it filters for, in order, at its own
 * pace, with its own retry policy and its own position in the checkpoint.
 */
describe('one local stream reader, two consumers', () => {
  const table = `stream-two-${randomBytes(4).toString('hex')}`;
  const checkpointFile = join(tmpdir(), `${table}.checkpoint.json`);
  const endpoint = () => process.env.DYNAMODB_ENDPOINT as string;
  const pkOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.pk?.S ?? '';
  const put = (pk: string) =>
    testDocumentClient().send(new PutCommand({ TableName: table, Item: { pk, sk: 'X', at: Date.now() } }));
  const logs: Record<string, unknown>[] = [];

  const reader = (consumers: StreamConsumer[]) =>
    new LocalStreamReader({
      dynamoDb: localClient(endpoint()),
      streams: testStreamsClient(),
      tableName: table,
      checkpointFile,
      consumers,
      log: (entry) => logs.push(entry),
      idleMs: 20,
      retryMs: 20,
    });

  beforeAll(() => createSessionTable(endpoint(), table, { timeToLive: false }));

  it('a consumer that is stuck or failing holds up neither the other nor its own later records', async () => {
    const all: string[] = [];
    const media: string[] = [];
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const deliveries = new Map<string, number>();
    const first = reader([
      { name: 'events', handler: async (event) => void all.push(...event.Records.map(pkOf)) },
      {
        name: 'media',
        filter: (record) => pkOf(record).startsWith('MSG#'),
        maxDeliveries: 2,
        handler: async (event) => {
          const pks = event.Records.map(pkOf);
          if (pks.includes('MSG#slow')) await stuck;
          for (const pk of pks) deliveries.set(pk, (deliveries.get(pk) ?? 0) + 1);
          // MSG#bad always fails: parked after its two deliveries, and what comes after it still goes.
          const bad = event.Records.find((record) => pkOf(record) === 'MSG#bad');
          if (bad) {
            media.push(...pks.slice(0, pks.indexOf('MSG#bad')));
            return { batchItemFailures: [{ itemIdentifier: bad.dynamodb?.SequenceNumber ?? '' }] };
          }
          media.push(...pks);
          return { batchItemFailures: [] };
        },
      },
    ]);
    first.start();
    await put('MSG#slow');
    await put('WINDOW#1');
    await put('MSG#bad');
    await put('MSG#after');
    // The media consumer is stuck on its first record; the events consumer has everything meanwhile.
    expect(await waitUntil(() => all.length === 4, 15_000)).toBe(true);
    expect(all).toEqual(['MSG#slow', 'WINDOW#1', 'MSG#bad', 'MSG#after']);
    expect(media).toEqual([]);
    release();
    expect(await waitUntil(() => media.includes('MSG#after'), 15_000)).toBe(true);
    expect(media).toEqual(['MSG#slow', 'MSG#after']);
    expect(deliveries.get('MSG#bad')).toBe(2);
    expect(logs.some((entry) => String(entry.message).includes('media: stream record parked'))).toBe(true);
    await first.stop();

    // Restarted on the same checkpoint: each consumer gets only what came after its own position.
    const checkpoint = readFileSync(checkpointFile, 'utf8');
    expect(checkpoint).toContain('"events"');
    expect(checkpoint).toContain('"media"');
    const later: Record<string, string[]> = { events: [], media: [] };
    const second = reader([
      { name: 'events', handler: async (event) => void later.events?.push(...event.Records.map(pkOf)) },
      {
        name: 'media',
        filter: (record) => pkOf(record).startsWith('MSG#'),
        handler: async (event) => void later.media?.push(...event.Records.map(pkOf)),
      },
    ]);
    second.start();
    await put('MSG#new');
    expect(await waitUntil(() => later.media?.length === 1 && later.events?.length === 1, 15_000)).toBe(true);
    await second.stop();
    expect(later).toEqual({ events: ['MSG#new'], media: ['MSG#new'] });
  }, 60_000);
});
