import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * One handler fed by the stream, as one Lambda event source mapping feeds one function on AWS: its
 * own position in the stream, its own filter and retry policy, so a slow or failing handler never
 * holds up another.
 */
export interface StreamConsumer {
  /** names the consumer's position in the checkpoint file */
  name: string;
  /** called as Lambda's event source mapping would call the function */
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  /** the mapping's filter criteria, applied before the handler: records it leaves out are done at once */
  filter?: (record: DynamoDBRecord) => boolean;
  /**
   * Deliveries of a failing record before it is parked (logged) and passed, as the mapping's retry
   * limit and on-failure destination do. Unset: retried until done, the stream waits for it.
   */
  maxDeliveries?: number;
  /** the mapping's batch size: at most this many records a call (unset: all read at once) */
  batchSize?: number;
}

export interface StreamReaderOptions {
  dynamoDb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  /** where each consumer's last done sequence number of each shard is kept between runs */
  checkpointFile: string;
  /** the consumers; `handler` alone is the publish-events consumer, named `events` */
  consumers?: StreamConsumer[];
  handler?: StreamConsumer['handler'];
  log: (entry: Record<string, unknown>) => void;
  batchSize?: number;
  idleMs?: number;
  /** wait after a failed batch before it is tried again */
  retryMs?: number;
}

type Position = { sequenceNumber?: string };
interface ShardCheckpoint {
  closed?: boolean;
  consumers?: Record<string, Position>;
}
interface Checkpoint {
  streamArn: string;
  shards: Record<string, ShardCheckpoint>;
}

interface Batch {
  shardId: string;
  records: DynamoDBRecord[];
  /** the last sequence number read, filtered or not: the consumer's position once the batch is done */
  last: string;
  deliveries: number;
}

/** Records read ahead for one consumer before the reader waits for it. */
const MAX_QUEUED = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stream sequence numbers are decimal strings (21 to 40 digits on AWS): compared as integers. */
const after = (a: string | undefined, b: string | undefined): boolean => {
  if (a === undefined) return false;
  if (b === undefined) return true;
  return /^\d+$/.test(a) && /^\d+$/.test(b) ? BigInt(a) > BigInt(b) : a > b;
};

const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '0';

/** The SDK's record as Lambda delivers it: creation time in epoch seconds, the stream's ARN on each record. */
const toLambdaRecord = (record: StreamRecord, streamArn: string): DynamoDBRecord => {
  const data = record.dynamodb ?? {};
  const created = data.ApproximateCreationDateTime;
  return {
    eventID: record.eventID ?? randomUUID(),
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? 'local',
    eventSourceARN: streamArn,
    dynamodb: {
      ...(data as NonNullable<DynamoDBRecord['dynamodb']>),
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
    },
  };
};

/**
 * The local stand-in for Lambda's event source mappings: one reader of DynamoDB Local's stream,
 * shard by shard, that hands each batch to every consumer (the events publisher, the media worker)
 * and moves a consumer's checkpoint (a file) only past records that consumer reports done. A kill
 * between reading and delivering therefore delivers those records again on restart: at least once,
 * with the same event ids. On restart the reader starts from the position of the consumer furthest
 * behind and gives each consumer only what lies past its own position.
 */
export class LocalStreamReader {
  private running = false;
  private loops: Promise<void>[] = [];
  private checkpoint: Checkpoint | undefined;
  private readonly iterators = new Map<string, string>();
  private readonly consumers: StreamConsumer[];
  private readonly queues = new Map<string, Batch[]>();
  /** per consumer and shard, the last sequence number handed over (read-ahead, not necessarily done) */
  private readonly handedOver = new Map<string, string>();
  /** shards read to their end: closed in the checkpoint once every consumer is done with them */
  private readonly exhausted = new Set<string>();

  constructor(private readonly options: StreamReaderOptions) {
    const single = options.handler ? [{ name: 'events', handler: options.handler }] : [];
    this.consumers = options.consumers ?? single;
    if (this.consumers.length === 0) throw new Error('LocalStreamReader needs at least one consumer');
    for (const consumer of this.consumers) this.queues.set(consumer.name, []);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const stopped = (what: string) => (error: unknown) => {
      this.options.log({ level: 'ERROR', message: `${what} stopped`, error: String(error) });
    };
    const reader = this.run().catch(stopped('event stream reader'));
    this.loops = [reader, ...this.consumers.map((c) => this.consume(c).catch(stopped(`stream consumer ${c.name}`)))];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async run(): Promise<void> {
    const { Table } = await this.options.dynamoDb.send(new DescribeTableCommand({ TableName: this.options.tableName }));
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn)
      throw new Error(`table ${this.options.tableName} has no stream: it must be created from createTableInput`);
    this.checkpoint = this.loadCheckpoint(streamArn);
    this.options.log({
      message: 'event stream reader started',
      resumed: Object.keys(this.checkpoint.shards).length > 0,
      consumers: this.consumers.map((consumer) => consumer.name),
    });
    while (this.running) {
      let read = 0;
      try {
        if (this.queued() < MAX_QUEUED) read = await this.pass(streamArn);
      } catch (error) {
        this.options.log({ level: 'WARN', message: 'event stream read failed; retrying', error: String(error) });
        this.iterators.clear();
        await sleep(this.options.retryMs ?? 1000);
      }
      if (read === 0) await sleep(this.options.idleMs ?? 100);
    }
  }

  private queued(): number {
    let most = 0;
    for (const queue of this.queues.values())
      most = Math.max(
        most,
        queue.reduce((n, b) => n + b.records.length, 0),
      );
    return most;
  }

  private position(consumer: string, shardId: string): string | undefined {
    return this.checkpoint?.shards[shardId]?.consumers?.[consumer]?.sequenceNumber;
  }

  /** Where a consumer stands in a shard: past what it has done, or what it has been handed. */
  private reached(consumer: string, shardId: string): string | undefined {
    const done = this.position(consumer, shardId);
    const handed = this.handedOver.get(`${consumer}\u0000${shardId}`);
    return after(handed, done) ? handed : done;
  }

  /** One pass over the open shards, parents first; returns how many records it read. */
  private async pass(streamArn: string): Promise<number> {
    const checkpoint = this.checkpoint as Checkpoint;
    const { StreamDescription } = await this.options.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const shards = (StreamDescription?.Shards ?? []).sort((a, b) =>
      (a.SequenceNumberRange?.StartingSequenceNumber ?? '').localeCompare(
        b.SequenceNumberRange?.StartingSequenceNumber ?? '',
      ),
    );
    let read = 0;
    for (const shard of shards) {
      const shardId = shard.ShardId as string;
      if (checkpoint.shards[shardId]?.closed || this.exhausted.has(shardId) || !this.running) continue;
      let iterator = this.iterators.get(shardId);
      if (!iterator) {
        // From the consumer furthest behind; one that has nothing there yet reads from the start.
        const positions = this.consumers.map((consumer) => this.reached(consumer.name, shardId));
        const from = positions.includes(undefined)
          ? undefined
          : positions.reduce((least, p) => (after(least, p) ? p : least));
        const got = await this.options.streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ...(from
              ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: from }
              : { ShardIteratorType: 'TRIM_HORIZON' }),
          }),
        );
        iterator = got.ShardIterator;
      }
      if (!iterator) continue;
      const { Records = [], NextShardIterator } = await this.options.streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.batchSize ?? 100 }),
      );
      if (Records.length > 0) {
        read += Records.length;
        this.handOver(
          shardId,
          Records.map((record) => toLambdaRecord(record, streamArn)),
        );
      }
      if (NextShardIterator) this.iterators.set(shardId, NextShardIterator);
      else {
        this.iterators.delete(shardId);
        this.exhausted.add(shardId);
        this.closeIfDone(shardId);
      }
    }
    return read;
  }

  /** Queues, for each consumer, the records past where it stands (a re-read after a restart gives nothing twice). */
  private handOver(shardId: string, records: DynamoDBRecord[]): void {
    const last = sequenceOf(records.at(-1) as DynamoDBRecord);
    for (const consumer of this.consumers) {
      const reached = this.reached(consumer.name, shardId);
      if (!after(last, reached)) continue;
      const fresh = records.filter((record) => after(sequenceOf(record), reached));
      const wanted = consumer.filter ? fresh.filter(consumer.filter) : fresh;
      this.handedOver.set(`${consumer.name}\u0000${shardId}`, last);
      this.queues.get(consumer.name)?.push({ shardId, records: wanted, last, deliveries: 0 });
    }
  }

  /** One consumer's loop: its batches in stream order, each until done (or parked after its deliveries). */
  private async consume(consumer: StreamConsumer): Promise<void> {
    const queue = this.queues.get(consumer.name) as Batch[];
    while (this.running) {
      const batch = queue[0];
      if (!batch) {
        await sleep(this.options.idleMs ?? 100);
        continue;
      }
      const records = batch.records.slice(0, consumer.batchSize ?? batch.records.length);
      const done = records.length === 0 ? 0 : await this.deliver(consumer, records);
      if (done === batch.records.length) {
        queue.shift();
        this.save(consumer.name, batch.shardId, batch.last);
        continue;
      }
      if (done === records.length) {
        // A full call done, more of the batch left: move past it and hand over the next.
        this.save(consumer.name, batch.shardId, sequenceOf(records[done - 1] as DynamoDBRecord));
        batch.records = batch.records.slice(done);
        batch.deliveries = 0;
        continue;
      }
      // Done up to the first failed record: move past those, retry from there (ReportBatchItemFailures).
      const failed = batch.records[done] as DynamoDBRecord;
      if (done > 0) this.save(consumer.name, batch.shardId, sequenceOf(batch.records[done - 1] as DynamoDBRecord));
      batch.records = batch.records.slice(done);
      batch.deliveries = done > 0 ? 1 : batch.deliveries + 1;
      if (consumer.maxDeliveries !== undefined && batch.deliveries >= consumer.maxDeliveries) {
        this.options.log({
          level: 'ERROR',
          message: `${consumer.name}: stream record parked after ${batch.deliveries} deliveries`,
          sequenceNumber: sequenceOf(failed),
        });
        batch.records = batch.records.slice(1);
        batch.deliveries = 0;
        if (batch.records.length === 0) {
          queue.shift();
          this.save(consumer.name, batch.shardId, batch.last);
        }
        continue;
      }
      // Backoff for a consumer with a retry limit; one that waits for its record retries at a steady pace.
      const retryMs = this.options.retryMs ?? 1000;
      await sleep(consumer.maxDeliveries === undefined ? retryMs : retryMs * 2 ** Math.max(0, batch.deliveries - 1));
    }
  }

  /** How many records, from the start, the handler has done. */
  private async deliver(consumer: StreamConsumer, records: DynamoDBRecord[]): Promise<number> {
    try {
      const result = await consumer.handler({ Records: records });
      const failed = result?.batchItemFailures?.map((failure) => failure.itemIdentifier) ?? [];
      if (failed.length === 0) return records.length;
      const index = records.findIndex((record) => failed.includes(sequenceOf(record)));
      return index < 0 ? 0 : index;
    } catch (error) {
      this.options.log({
        level: 'WARN',
        message: `${consumer.name} failed; the batch is retried`,
        error: String(error),
      });
      return 0;
    }
  }

  private loadCheckpoint(streamArn: string): Checkpoint {
    try {
      const saved = JSON.parse(readFileSync(this.options.checkpointFile, 'utf8')) as Checkpoint;
      // Another stream (an in-memory table made again) starts from its beginning.
      if (saved.streamArn === streamArn && typeof saved.shards === 'object') return saved;
    } catch {
      // no checkpoint yet
    }
    return { streamArn, shards: {} };
  }

  private closeIfDone(shardId: string): void {
    const checkpoint = this.checkpoint as Checkpoint;
    const pending = [...this.queues.values()].some((queue) => queue.some((batch) => batch.shardId === shardId));
    if (!this.exhausted.has(shardId) || pending || checkpoint.shards[shardId]?.closed) return;
    checkpoint.shards[shardId] = { ...checkpoint.shards[shardId], closed: true };
    this.write();
  }

  private save(consumer: string, shardId: string, sequenceNumber: string): void {
    const checkpoint = this.checkpoint as Checkpoint;
    const shard = checkpoint.shards[shardId] ?? {};
    checkpoint.shards[shardId] = { ...shard, consumers: { ...shard.consumers, [consumer]: { sequenceNumber } } };
    this.write();
    this.closeIfDone(shardId);
  }

  private write(): void {
    mkdirSync(dirname(this.options.checkpointFile), { recursive: true });
    const temporary = `${this.options.checkpointFile}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.checkpoint));
    renameSync(temporary, this.options.checkpointFile);
  }
}
