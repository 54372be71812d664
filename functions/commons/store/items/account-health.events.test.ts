import { accountHealthEvents } from './account-health.events';

const T = 1_773_000_000;
const change = (newImage: Record<string, unknown>, oldImage?: Record<string, unknown>) => ({
  pk: 'HEALTH',
  sk: String(newImage.sk),
  newImage,
  ...(oldImage ? { oldImage } : {}),
  recordedAt: T + 1,
});
/** A health item of business account W1: its sort key and scope, and the facts it holds. */
const health = (sk: string, scope: string, facts: Record<string, unknown>) => ({
  pk: 'HEALTH',
  sk,
  scope,
  wabaId: 'W1',
  ...facts,
});
const number = (quality?: string, at = T) =>
  health('NUMBER#15550783881', 'number', {
    displayNumber: '15550783881',
    ...(quality ? { quality: { value: quality, at } } : {}),
  });

describe('account-health item events', () => {
  it('a number turning RED is number.health with the previous rating, at Meta’s time', () => {
    const [event] = accountHealthEvents.outcome(change(number('RED', T), number('GREEN', T - 60)), {} as never).events;
    expect(event).toMatchObject({
      detailType: 'number.health',
      detail: {
        displayNumber: '15550783881',
        quality: 'RED',
        previousQuality: 'GREEN',
        occurredAt: new Date(T * 1000).toISOString(),
      },
    });
  });

  it('a write that changes no fact yields nothing', () => {
    expect(accountHealthEvents.outcome(change(number('RED'), number('RED')), {} as never).events).toEqual([]);
  });

  it('a ban is account.restrictions, restricted', () => {
    const account = health('WABA#W1', 'account', { restrictions: { value: [{ type: 'DISABLE' }], at: T } });
    const [event] = accountHealthEvents.outcome(change(account), {} as never).events;
    expect(event).toMatchObject({
      detailType: 'account.restrictions',
      detail: { wabaId: 'W1', restricted: true, restrictions: [{ type: 'DISABLE' }] },
    });
  });
});
