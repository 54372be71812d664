import { utcDay } from '#domain/time';
import { AGGREGATE_SHARDS, shardOf } from '#store/keys';
import { adapters } from '../support/adapters.ts';
import { uniquePhoneNumberId, uniqueWaId } from '../support/environment.ts';
import { conversationCommit } from './fixtures.ts';

const T = 1_761_000_000;

describe.each(adapters)('ReportStore %s', (_, adapter) => {
  const { stores } = adapter();

  it('sums each cell over its shards, for the days asked and no others', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const contact = await stores.contacts.resolveContact(phoneNumberId, { waId: uniqueWaId() });
    // Message ids on different shards, so the sum crosses partitions.
    const ids: string[] = [];
    for (let i = 0; ids.length < 3; i++) {
      const id = `wamid.r${i}.${phoneNumberId}`;
      if (!ids.some((other) => shardOf(other) === shardOf(id))) ids.push(id);
    }
    expect(AGGREGATE_SHARDS).toBeGreaterThanOrEqual(3);
    for (const [i, id] of ids.entries()) {
      // Each opens its own conversation: one day apart, so the slot is free every time.
      const at = T + i * 86_400;
      expect(await stores.messages.commitMessage(conversationCommit(contact, id, at))).toBe('committed');
    }
    const ours = async (from: string, to: string) =>
      (await stores.reports.readCells(from, to))
        .filter((cell) => cell.phoneNumberId === phoneNumberId)
        .map((cell) => `${cell.day} ${cell.kind} ${cell.units}`)
        .sort();
    expect(await ours(utcDay(T), utcDay(T))).toEqual([`${utcDay(T)} conversation 1`, `${utcDay(T)} message 1`]);
    // A second message unit in the same cell, counted on another shard: the cell reads 2.
    const first = conversationCommit(contact, ids[0] as string, T);
    const unit = first.message.appliedEffects.messageUnit!;
    const other = `wamid.other.${phoneNumberId}`;
    const sameCell = {
      ...first,
      message: {
        ...first.message,
        state: { ...first.message.state, id: other },
        appliedEffects: { messageUnit: unit },
      },
      changes: { unitChanges: [{ kind: 'message' as const, unit, delta: 1 as const }] },
    };
    expect(shardOf(other)).not.toBe(shardOf(ids[0] as string));
    expect(await stores.messages.commitMessage(sameCell)).toBe('committed');
    expect(await ours(utcDay(T), utcDay(T))).toEqual([`${utcDay(T)} conversation 1`, `${utcDay(T)} message 2`]);
    expect(await ours(utcDay(T), utcDay(T + 2 * 86_400))).toHaveLength(6);
    expect(await ours(utcDay(T - 86_400), utcDay(T - 86_400))).toEqual([]);
  });
});
