import { GetItemCommand, DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import {
  IN_REGION,
  logNormalSampler,
  operationClass,
  parseLatencyProfile,
  startLatencyProxy,
} from '../../bench/latency-proxy.ts';
import { percentile } from '../../bench/stats.ts';
import { TEST_TABLE_NAME } from '#test/environment';

/** A deterministic uniform generator (mulberry32), so the fitted percentiles are checked exactly. */
const uniform = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe('the latency proxy', () => {
  it('draws latencies whose p50 and p99 are the configured ones', () => {
    const draw = logNormalSampler({ p50Ms: 7.6, p99Ms: 16 }, uniform(1));
    const samples = Array.from({ length: 200_000 }, draw);
    expect(percentile(samples, 50)).toBeCloseTo(7.6, 1);
    expect(percentile(samples, 99)).toBeGreaterThan(15.5);
    expect(percentile(samples, 99)).toBeLessThan(16.5);
    expect(samples.reduce((min, value) => Math.min(min, value), Infinity)).toBeGreaterThan(0);
  });

  it('classes transactions apart from single-item calls by the SDK’s target header', () => {
    expect(operationClass('DynamoDB_20120810.TransactWriteItems')).toBe('transaction');
    expect(operationClass('DynamoDB_20120810.TransactGetItems')).toBe('transaction');
    expect(operationClass('DynamoDB_20120810.UpdateItem')).toBe('single');
    expect(operationClass('DynamoDB_20120810.BatchGetItem')).toBe('single');
    expect(operationClass(undefined)).toBe('single');
  });

  it('reads its distributions from BENCH_LATENCY and refuses a malformed one', () => {
    expect(parseLatencyProfile(undefined)).toEqual(IN_REGION);
    expect(parseLatencyProfile('off')).toBe('off');
    expect(parseLatencyProfile('transaction=30/60')).toEqual({ ...IN_REGION, transaction: { p50Ms: 30, p99Ms: 60 } });
    expect(() => parseLatencyProfile('single=7.6')).toThrow(/single=7.6/);
    expect(() => parseLatencyProfile('single=20/10')).toThrow(/p50 ≤ p99/);
  });

  it('forwards to DynamoDB Local and holds each answer for the time drawn for its class', async () => {
    const proxy = await startLatencyProxy({
      target: process.env.DYNAMODB_ENDPOINT as string,
      profile: { single: { p50Ms: 40, p99Ms: 40 }, transaction: { p50Ms: 120, p99Ms: 120 } },
    });
    const client = new DynamoDBClient({
      endpoint: proxy.url,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const key = { pk: { S: 'BENCH#proxy' }, sk: { S: 'X' } };
      const timed = async (work: () => Promise<unknown>) => {
        const started = performance.now();
        await work();
        return performance.now() - started;
      };
      const get = await timed(() => client.send(new GetItemCommand({ TableName: TEST_TABLE_NAME, Key: key })));
      const transaction = await timed(() =>
        client.send(
          new TransactWriteItemsCommand({
            TransactItems: [{ Put: { TableName: TEST_TABLE_NAME, Item: { ...key, n: { N: '1' } } } }],
          }),
        ),
      );
      expect(get).toBeGreaterThanOrEqual(39);
      expect(transaction).toBeGreaterThanOrEqual(119);
      expect(proxy.counts()).toEqual({ single: 1, transaction: 1 });
      const stored = await client.send(new GetItemCommand({ TableName: TEST_TABLE_NAME, Key: key }));
      expect(stored.Item?.n).toEqual({ N: '1' });
    } finally {
      client.destroy();
      await proxy.close();
    }
  });
});
