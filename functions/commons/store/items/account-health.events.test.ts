import { accountHealthEvents } from './account-health.events';

const T = 1_773_000_000;
const change = (newImage: Record<string, unknown>, oldImage?: Record<string, unknown>) => ({
  pk: 'HEALTH',
  sk: String(newImage.sk),
  newImage,
  ...(oldImage ? { oldImage } : {}),
  recordedAt: T + 1,
});
const number = (quality?: string, at = T) => ({
  pk: 'HEALTH',
  sk: 'NUMBER#15550783881',
  scope: 'number',
  displayNumber: '15550783881',
  wabaId: 'W1',
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
    const account = {
      pk: 'HEALTH',
      sk: 'WABA#W1',
      scope: 'account',
      wabaId: 'W1',
      restrictions: { value: [{ type: 'DISABLE' }], at: T },
    };
    const [event] = accountHealthEvents.outcome(change(account), {} as never).events;
    expect(event).toMatchObject({
      detailType: 'account.restrictions',
      detail: { wabaId: 'W1', restricted: true, restrictions: [{ type: 'DISABLE' }] },
    });
  });
});
