import { healthKeyOf } from '#store/items/account-health';
import type { HealthSubject } from '#store/health-store';
import { adapters } from '../support/adapters.ts';
import { uniquePhoneNumberId } from '../support/environment.ts';

const T = 1_760_000_000;

/** A WABA of this test alone: the HEALTH partition is shared by every test of the run. */
const uniqueWaba = () => `waba${uniquePhoneNumberId()}`;
/** A display number of this test alone, as a person writes it (the store keeps its digits). */
const uniqueDisplay = () => `+1 ${uniquePhoneNumberId().slice(-10)}`;

describe.each(adapters)('HealthStore %s', (_, adapter) => {
  const { stores, item } = adapter();
  const { health } = stores;

  const listed = async (wabaId: string) => (await health.listHealth()).filter((entry) => entry.wabaId === wabaId);

  it("stores a number's quality and tier under its display digits, with the WABA it came from", async () => {
    const wabaId = uniqueWaba();
    const displayNumber = uniqueDisplay();
    const number: HealthSubject = { scope: 'number', displayNumber, wabaId };
    const state = await health.applyHealth(number, {
      kind: 'number-quality',
      event: 'FLAGGED',
      limit: 'TIER_2K',
      at: T,
    });
    expect(state).toEqual({ quality: { value: 'RED', at: T }, messagingLimit: { value: 'TIER_2K', at: T } });
    expect(await item(healthKeyOf(number))).toMatchObject({
      scope: 'number',
      wabaId,
      displayNumber: displayNumber.replace(/\D/g, ''),
      quality: { value: 'RED', at: T },
      version: 1,
    });
    expect(await listed(wabaId)).toEqual([
      { scope: 'number', displayNumber: displayNumber.replace(/\D/g, ''), wabaId, state },
    ]);
  });

  it('keeps the newer fact when an older webhook arrives after it, and writes nothing for it', async () => {
    const wabaId = uniqueWaba();
    const number: HealthSubject = { scope: 'number', displayNumber: uniqueDisplay(), wabaId };
    await health.applyHealth(number, { kind: 'number-quality', event: 'UNFLAGGED', at: T });
    const afterOlder = await health.applyHealth(number, { kind: 'number-quality', event: 'FLAGGED', at: T - 1 });
    expect(afterOlder).toEqual({ quality: { value: 'GREEN', at: T } });
    expect(await item(healthKeyOf(number))).toMatchObject({ version: 1 });
    const afterNewer = await health.applyHealth(number, { kind: 'number-quality', event: 'FLAGGED', at: T + 1 });
    expect(afterNewer).toEqual({ quality: { value: 'RED', at: T + 1 } });
    expect(await item(healthKeyOf(number))).toMatchObject({ quality: { value: 'RED', at: T + 1 }, version: 2 });
  });

  it("keeps an account's restrictions apart from its numbers, and lists both", async () => {
    const wabaId = uniqueWaba();
    const account: HealthSubject = { scope: 'account', wabaId };
    const number: HealthSubject = { scope: 'number', displayNumber: uniqueDisplay(), wabaId };
    const restrictions = [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: T + 86_400 }];
    await health.applyHealth(account, { kind: 'account', event: 'ACCOUNT_RESTRICTION', restrictions, at: T });
    await health.applyHealth(number, { kind: 'number-quality', event: 'UPGRADE', limit: 'TIER_10K', at: T });
    expect(await item(healthKeyOf(account))).toMatchObject({
      scope: 'account',
      wabaId,
      restrictions: { value: restrictions, at: T },
    });
    const byScope = Object.fromEntries((await listed(wabaId)).map((entry) => [entry.scope, entry.state]));
    expect(byScope).toEqual({
      account: { restrictions: { value: restrictions, at: T } },
      number: { messagingLimit: { value: 'TIER_10K', at: T } },
    });
  });

  it('writes nothing when the same webhook is applied twice', async () => {
    const account: HealthSubject = { scope: 'account', wabaId: uniqueWaba() };
    const signal = { kind: 'account', event: 'ACCOUNT_VIOLATION', violationType: 'SPAM', at: T } as const;
    const first = await health.applyHealth(account, signal);
    const again = await health.applyHealth(account, signal);
    expect(again).toEqual(first);
    expect(await item(healthKeyOf(account))).toMatchObject({ violation: { value: 'SPAM', at: T }, version: 1 });
  });
});
