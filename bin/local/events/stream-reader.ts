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

export interface StreamReaderOptions {
  dynamoDb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  /** where the last delivered sequence number of each shard is kept between runs */
  checkpointFile: string;
  /** the publish-events handler, called as Lambda's event source mapping would call it */
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  log: (entry: Record<string, unknown>) => void;
  batchSize?: number;
  idleMs?: number;
  /** wait after a failed batch before it is tried again */
  retryMs?: number;
}

interface Checkpoint {
  streamArn: string;
  shards: Record<string, { sequenceNumber?: string; closed?: boolean }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
 * The local stand-in for Lambda's event source mapping: reads DynamoDB Local's stream shard by
 * shard, hands each batch to the publish-events handler, and moves its checkpoint (a file) only
 * past records the handler reports done. A kill between reading and delivering therefore
 * delivers those records again on restart: at least once, with the same event ids.
 */
export class LocalStreamReader {
  private running = false;
  private loop: Promise<void> | undefined;
  private checkpoint: Checkpoint | undefined;
  private readonly iterators = new Map<string, string>();

  constructor(private readonly options: StreamReaderOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run().catch((error: unknown) => {
      this.options.log({ level: 'ERROR', message: 'event stream reader stopped', error: String(error) });
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
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
    });
    while (this.running) {
      let read = 0;
      try {
        read = await this.pass(streamArn);
      } catch (error) {
        this.options.log({ level: 'WARN', message: 'event stream read failed; retrying', error: String(error) });
        this.iterators.clear();
        await sleep(this.options.retryMs ?? 1000);
      }
      if (read === 0) await sleep(this.options.idleMs ?? 100);
    }
  }

  /** One pass over the open shards, parents first; returns how many records it handed over. */
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
      const state = checkpoint.shards[shardId] ?? {};
      if (state.closed || !this.running) continue;
      let iterator = this.iterators.get(shardId);
      if (!iterator) {
        const got = await this.options.streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ...(state.sequenceNumber
              ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: state.sequenceNumber }
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
        const delivered = await this.deliver(Records.map((record) => toLambdaRecord(record, streamArn)));
        const last = delivered === Records.length ? Records.at(-1) : Records[delivered - 1];
        if (last?.dynamodb?.SequenceNumber) this.save(shardId, { sequenceNumber: last.dynamodb.SequenceNumber });
        if (delivered < Records.length) {
          // Not all delivered: read again from the checkpoint after a pause.
          this.iterators.delete(shardId);
          await sleep(this.options.retryMs ?? 1000);
          continue;
        }
      }
      if (NextShardIterator) this.iterators.set(shardId, NextShardIterator);
      else {
        this.iterators.delete(shardId);
        this.save(shardId, { ...checkpoint.shards[shardId], closed: true });
      }
    }
    return read;
  }

  /** How many records, from the start, the handler has done. */
  private async deliver(records: DynamoDBRecord[]): Promise<number> {
    try {
      const result = await this.options.handler({ Records: records });
      const failed = result?.batchItemFailures?.[0]?.itemIdentifier;
      if (failed === undefined) return records.length;
      const index = records.findIndex((record) => record.dynamodb?.SequenceNumber === failed);
      return index < 0 ? 0 : index;
    } catch (error) {
      this.options.log({ level: 'WARN', message: 'publish-events failed; the batch is retried', error: String(error) });
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

  private save(shardId: string, state: Checkpoint['shards'][string]): void {
    const checkpoint = this.checkpoint as Checkpoint;
    checkpoint.shards[shardId] = state;
    mkdirSync(dirname(this.options.checkpointFile), { recursive: true });
    const temporary = `${this.options.checkpointFile}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(checkpoint));
    renameSync(temporary, this.options.checkpointFile);
  }
}
