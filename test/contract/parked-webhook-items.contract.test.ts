import { randomUUID } from 'node:crypto';
import { toParkedWebhookItem } from '#store/items/parked-webhook-item';
import { MAX_RAW_BYTES } from '#store/raw-copy';
import { adapters } from '../support/adapters.ts';

const T = 1_760_000_000;

describe.each(adapters)('ParkedWebhookItems %s', (_, adapter) => {
  const { stores, item } = adapter();

  it('parks content raw with its named fields and retention, one item per content and day', async () => {
    const content = {
      kind: 'account-update' as const,
      receivedAt: T,
      retainUntil: T + 100,
      raw: { event: randomUUID() },
      attributes: { wabaId: 'w1', reason: undefined },
    };
    await stores.parked.park(content);
    await stores.parked.park(content);
    const expected = toParkedWebhookItem(content);
    const { pk, sk } = expected;
    expect(await item({ pk, sk })).toEqual({ ...expected });
    expect(expected).toMatchObject({ kind: 'account-update', wabaId: 'w1', truncated: false, expiresAt: T + 100 });
    expect(expected).not.toHaveProperty('reason');
  });

  it('cuts a raw copy of 3-byte characters by bytes, so the item stays under 400 KB', async () => {
    const content = {
      kind: 'unrecognized' as const,
      receivedAt: T,
      retainUntil: T + 100,
      raw: { text: `${randomUUID()}${'€'.repeat(200_000)}` },
      attributes: { reason: '€'.repeat(5_000) },
    };
    await stores.parked.park(content);
    const { pk, sk } = toParkedWebhookItem(content);
    const stored = await item({ pk, sk });
    expect(stored?.truncated).toBe(true);
    expect(Buffer.byteLength(String(stored?.raw), 'utf8')).toBeLessThanOrEqual(MAX_RAW_BYTES);
    expect(Buffer.byteLength(String(stored?.reason), 'utf8')).toBeLessThanOrEqual(2048);
  });
});
