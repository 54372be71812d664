import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { retentionSeconds } from '#domain/platform';
import { countedUnitsExpiry } from '#domain/retention';
import { keys } from '#store/keys';
import { TEST_TABLE_NAME, testDocumentClient } from '#test/environment';
import { aggregateCells, messageItem, seedTemplateMessage, statusOf, webhookHarness } from '#test/webhook';

/** 2026-03-10T12:00:00Z: per-message pricing. */
const T = 1_773_144_000;
const DAY_OF_T = '2026-03-10';
/** the harness's MESSAGE_RETENTION_DAYS */
const RETENTION = retentionSeconds(30);
/** What one delivered utility template counts on the day of T, once. */
const counted = {
  [`${DAY_OF_T}#message#US#utility#PMP#regular`]: 1,
  [`${DAY_OF_T}#conversation#US#utility#PMP#regular`]: 1,
};

describe('a replayed signed status after the message retention, against DynamoDB Local', () => {
  const clock = { now: T + 60 };
  const harness = webhookHarness(clock);

  it('counts nothing when the message record has expired, and answers 200', async () => {
    const message = await seedTemplateMessage(harness.stores, 'utility');
    const { phoneNumberId, wamid } = message;
    const body = statusOf(message, 'delivered', T);
    expect((await harness.post(body)).body).toMatchObject({ statuses: 1, kept: 0 });
    expect(await aggregateCells(phoneNumberId, [DAY_OF_T])).toEqual(counted);
    const record = await messageItem(wamid);
    expect(record?.expiresAt).toBe(T + 60 + RETENTION);

    // The record's retention passes; DynamoDB's TTL deletes it (emulated here).
    clock.now = Number(record?.expiresAt);
    await testDocumentClient().send(new DeleteCommand({ TableName: TEST_TABLE_NAME, Key: keys.message(wamid) }));

    const replay = await harness.post(body);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ received: 1, statuses: 0, kept: 1 });
    expect(await aggregateCells(phoneNumberId, [DAY_OF_T])).toEqual(counted);
    expect(await messageItem(wamid)).toBeUndefined();
  });

  it('still counts a status the second before the horizon (its record cannot have expired)', async () => {
    const message = await seedTemplateMessage(harness.stores, 'utility');
    clock.now = T + RETENTION - 1;
    expect((await harness.post(statusOf(message, 'delivered', T))).body).toMatchObject({ statuses: 1, kept: 0 });
    expect(await aggregateCells(message.phoneNumberId, [DAY_OF_T])).toEqual(counted);
  });

  it('counts nothing for a late read after the message record expired, until its counted-units record expires', async () => {
    clock.now = T + 60;
    const message = await seedTemplateMessage(harness.stores, 'utility');
    const { phoneNumberId, wamid } = message;
    const statuses = (status: string, timestamp: number) => statusOf(message, status, timestamp);
    expect((await harness.post(statuses('delivered', T))).body).toMatchObject({ statuses: 1, kept: 0 });
    expect(await aggregateCells(phoneNumberId, [DAY_OF_T])).toEqual(counted);
    const record = await messageItem(wamid);
    const expired = Number(record?.expiresAt);
    expect(expired).toBe(T + 60 + RETENTION);

    // The clock reaches the record's TTL: not deleted yet, the store treats it as gone. The user reads
    // the message now, a status no horizon check can tell from a first one (its timestamp is fresh).
    clock.now = expired;
    const lateRead = await harness.post(statuses('read', expired));
    expect(lateRead.status).toBe(200);
    expect(lateRead.body).toMatchObject({ received: 1, statuses: 0, duplicates: 1, kept: 0 });
    expect(await aggregateCells(phoneNumberId, [DAY_OF_T])).toEqual(counted);

    // The signed delivery replayed as well: parked as a replay, still nothing counted.
    expect((await harness.post(statuses('delivered', T))).body).toMatchObject({ statuses: 0, kept: 1 });
    expect(await aggregateCells(phoneNumberId, [DAY_OF_T])).toEqual(counted);

    // The second before the counted-units record expires, a late read still counts nothing...
    const horizon = countedUnitsExpiry(expired);
    clock.now = horizon - 1;
    expect((await harness.post(statuses('read', horizon - 1))).body).toMatchObject({ statuses: 0, duplicates: 1 });
    expect(await aggregateCells(phoneNumberId, [DAY_OF_T])).toEqual(counted);

    // ...from its expiry on, it is a message never seen: its read counts as a delivery on the read's day
    // (what the README says happens past the horizon).
    clock.now = horizon;
    expect((await harness.post(statuses('read', horizon))).body).toMatchObject({ statuses: 1, duplicates: 0 });
    expect(await aggregateCells(phoneNumberId, [DAY_OF_T])).toEqual(counted);
    const dayOfHorizon = new Date(horizon * 1000).toISOString().slice(0, 10);
    const later = await aggregateCells(phoneNumberId, [dayOfHorizon]);
    expect(Object.entries(later).filter(([cell]) => cell.includes('#message#'))).toHaveLength(1);
  });
});
