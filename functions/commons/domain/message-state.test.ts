import type { MetaPricing, StatusEvent } from '../webhook/events';
import { statusEvent as status, templateMessage } from '../testing/messages';
import { permutations } from '../testing/permutations';
import { applyStatus, currentStatus, deliveredAt, type MessageState } from './message-state';

const t = 1_760_000_000;

const initial = (): MessageState => templateMessage();

const fold = (events: StatusEvent[]): MessageState => events.reduce(applyStatus, initial());

describe('a status never moves backwards', () => {
  const sent = status('sent', t);
  const delivered = status('delivered', t + 5);
  const read = status('read', t + 60);
  const orders = permutations([sent, delivered, read]);

  it('has 6 orders to check', () => {
    expect(orders).toHaveLength(6);
  });

  it('folds sent, delivered, read in every order, each duplicated, to the same state', () => {
    const expected: MessageState = { ...initial(), statusAt: { sent: t, delivered: t + 5, read: t + 60 } };
    for (const order of orders) {
      expect(fold(order)).toEqual(expected);
      expect(fold([...order, ...order])).toEqual(expected);
      expect(fold(order.flatMap((e) => [e, e]))).toEqual(expected);
    }
  });

  it('shows read and the delivered timestamp whatever the order', () => {
    for (const order of orders) {
      const state = fold(order);
      expect(currentStatus(state)).toBe('read');
      expect(deliveredAt(state)).toBe(t + 5);
    }
  });

  it('keeps the earliest timestamp of a duplicated status', () => {
    const state = fold([status('delivered', t + 9), status('delivered', t + 5), status('delivered', t + 7)]);
    expect(state.statusAt).toEqual({ delivered: t + 5 });
  });

  it('has no status before any status arrived', () => {
    expect(currentStatus(initial())).toBeUndefined();
    expect(deliveredAt(initial())).toBeUndefined();
  });
});

describe('read and played imply delivered', () => {
  it('counts a read without delivered as delivered at the read time', () => {
    const state = fold([status('sent', t), status('read', t + 30)]);
    expect(currentStatus(state)).toBe('read');
    expect(deliveredAt(state)).toBe(t + 30);
  });

  it('counts a played without delivered as delivered at the played time', () => {
    const state = fold([status('played', t + 40), status('sent', t)]);
    expect(currentStatus(state)).toBe('played');
    expect(deliveredAt(state)).toBe(t + 40);
  });

  it('is not delivered while only sent', () => {
    expect(deliveredAt(fold([status('sent', t)]))).toBeUndefined();
    expect(currentStatus(fold([status('sent', t)]))).toBe('sent');
  });
});

describe('a failure is kept', () => {
  it('stays failed when a late delivered follows', () => {
    const state = fold([
      status('sent', t),
      status('failed', t + 2, { errors: [{ code: 131047 }] }),
      status('delivered', t + 3),
    ]);
    expect(currentStatus(state)).toBe('failed');
  });

  it('collects error codes, deduplicated and sorted, in any order', () => {
    const a = status('failed', t + 2, { errors: [{ code: 131047 }, { code: 131026 }] });
    const b = status('failed', t + 2, { errors: [{ code: 131047, title: 'Re-engagement message' }] });
    expect(fold([a, b]).errorCodes).toEqual([131026, 131047]);
    expect(fold([b, a, b]).errorCodes).toEqual([131026, 131047]);
  });
});

describe('pricing from the highest-ranked status wins whatever the order', () => {
  const onSent: MetaPricing = { model: 'PMP', type: 'regular', category: 'utility', billable: true };
  const onRead: MetaPricing = { model: 'PMP', type: 'regular', category: 'marketing', billable: true };

  it('keeps the pricing that came only on sent', () => {
    for (const order of permutations([
      status('sent', t, { pricing: onSent }),
      status('delivered', t + 5),
      status('read', t + 60),
    ])) {
      expect(fold(order).metaPricing).toEqual({ ...onSent, fromStatus: 'sent' });
    }
  });

  it('takes read pricing over sent pricing', () => {
    for (const order of permutations([
      status('sent', t, { pricing: onSent }),
      status('delivered', t + 5),
      status('read', t + 60, { pricing: onRead }),
    ])) {
      expect(fold(order).metaPricing).toEqual({ ...onRead, fromStatus: 'read' });
    }
  });

  it('ignores an empty pricing object', () => {
    const state = fold([status('sent', t, { pricing: onSent }), status('read', t + 60, { pricing: {} })]);
    expect(state.metaPricing).toEqual({ ...onSent, fromStatus: 'sent' });
  });
});

describe("Meta's conversation object is merged across statuses", () => {
  it('keeps the id from the first and the expiry from sent, even when sent arrives last', () => {
    const state = fold([
      status('delivered', t + 5, { conversation: { id: 'conv-1' } }),
      status('read', t + 60, { conversation: { id: 'conv-1' } }),
      status('sent', t, { conversation: { id: 'conv-1', category: 'utility', expiresAt: t + 86_400 } }),
    ]);
    expect(state.metaConversation).toEqual({ id: 'conv-1', category: 'utility', expiresAt: t + 86_400 });
  });

  it('keeps the first id when a later status carries another', () => {
    const state = fold([
      status('sent', t, { conversation: { id: 'conv-1' } }),
      status('delivered', t + 5, { conversation: { id: 'conv-2' } }),
    ]);
    expect(state.metaConversation).toEqual({ id: 'conv-1' });
  });
});
