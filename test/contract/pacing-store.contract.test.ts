import { pairRateLimit } from '#domain/pacing';
import { adapters } from '../support/adapters.ts';
import { uniquePhoneNumberId } from '../support/environment.ts';

const T = 1_760_000_000;

describe.each(adapters)('PacingStore %s', (_, adapter) => {
  const { pacing } = adapter().stores;

  it('allows the messages per second of a number within one second, and more in the next', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    expect(await pacing.takeNumberSlot(phoneNumberId, T, 2)).toEqual({ allowed: true });
    expect(await pacing.takeNumberSlot(phoneNumberId, T + 0.5, 2)).toEqual({ allowed: true });
    expect(await pacing.takeNumberSlot(phoneNumberId, T + 0.9, 2)).toEqual({ allowed: false, retryAfter: 1 });
    expect(await pacing.takeNumberSlot(phoneNumberId, T + 1, 2)).toEqual({ allowed: true });
  });

  it('allows a burst to one user, then one send per interval', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const limit = pairRateLimit(6, 2);
    expect(await pacing.takePairSlot(phoneNumberId, 'c1', T, limit)).toEqual({ allowed: true });
    expect(await pacing.takePairSlot(phoneNumberId, 'c1', T, limit)).toEqual({ allowed: true });
    expect(await pacing.takePairSlot(phoneNumberId, 'c1', T, limit)).toMatchObject({ allowed: false });
    expect(await pacing.takePairSlot(phoneNumberId, 'c2', T, limit)).toEqual({ allowed: true });
    expect(await pacing.takePairSlot(phoneNumberId, 'c1', T + 6, limit)).toEqual({ allowed: true });
  });
});
