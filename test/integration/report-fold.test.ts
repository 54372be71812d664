import { randomInt } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbReportStore } from '#store/dynamodb-report-store';
import { aggregateDayItem } from '#store/items/aggregate-day';
import { keys, AGGREGATE_SHARDS } from '#store/keys';
import { TEST_TABLE_NAME, testDocumentClient, uniquePhoneNumberId } from '#test/environment';

/**
 * A finished day folded into its aggregate-day parts reads exactly as its shards do, and a fold
 * that is not all there is never used.
 */
describe('folding a finished day of aggregates', () => {
  const client = testDocumentClient();
  const store = new DynamoDbReportStore(client, TEST_TABLE_NAME);
  // A day of its own, far from any other test's.
  const day = `20${randomInt(40, 99)}-0${randomInt(1, 9)}-1${randomInt(0, 9)}`;
  const sorted = <T extends { kind: string; country: string; category: string; phoneNumberId: string }>(cells: T[]) =>
    [...cells].sort((a, b) =>
      `${a.kind}${a.phoneNumberId}${a.country}${a.category}`.localeCompare(
        `${b.kind}${b.phoneNumberId}${b.country}${b.category}`,
      ),
    );

  const seed = async (cells: number) => {
    const phoneNumberId = uniquePhoneNumberId();
    for (let i = 0; i < cells; i++) {
      const unit = {
        day,
        phoneNumberId,
        country: `C${i}`,
        category: i % 2 ? 'marketing' : 'utility',
        pricingModel: 'PMP',
        pricingType: `t${Math.floor(i / 100)}`,
      };
      // Each cell spread over two shards, as ingestion leaves it.
      for (const shard of [i % AGGREGATE_SHARDS, (i + 5) % AGGREGATE_SHARDS]) {
        await client.send(
          new PutCommand({
            TableName: TEST_TABLE_NAME,
            Item: { ...keys.aggregate('message', unit, shard), kind: 'message', ...unit, units: 1 + (i % 3) },
          }),
        );
      }
    }
  };

  it('reads a folded day as its shards, and ignores a fold with a part missing', async () => {
    await seed(60);
    const fromShards = await store.readCells(day, day);
    expect(fromShards).toHaveLength(60);
    expect(fromShards.every((cell) => cell.units >= 2)).toBe(true);

    expect(await store.foldDay(day)).toEqual({ cells: 60, parts: 1 });
    expect(sorted(await store.readCells(day, day))).toEqual(sorted(fromShards));

    // A fold that claims two parts but has one is not complete: the shards are read instead.
    const part = aggregateDayItem.key(day, 0);
    await client.send(
      new PutCommand({
        TableName: TEST_TABLE_NAME,
        Item: { ...part, day, part: 0, parts: 2, cells: 0, payload: new Uint8Array([31, 139, 8, 0]) },
      }),
    );
    expect(sorted(await store.readCells(day, day))).toEqual(sorted(fromShards));
    await client.send(new DeleteCommand({ TableName: TEST_TABLE_NAME, Key: part }));
    expect(sorted(await store.readCells(day, day))).toEqual(sorted(fromShards));
  });
});
