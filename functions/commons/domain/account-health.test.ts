import { healthAfter, needsAttention, qualityOfEvent, restrictionsInForce, type HealthState } from './account-health';
import { toNumberHealthView, type HealthRecord } from './health-view';

const T = 1_773_000_000;
const quality = (event: string, at: number, limit?: string) =>
  ({ kind: 'number-quality', event, at, ...(limit ? { limit } : {}) }) as const;

describe('a number’s health from Meta’s quality webhooks', () => {
  it('FLAGGED is RED, UNFLAGGED is GREEN, tier events say nothing of the rating', () => {
    expect(qualityOfEvent('FLAGGED')).toBe('RED');
    expect(qualityOfEvent('UNFLAGGED')).toBe('GREEN');
    expect(qualityOfEvent('UPGRADE')).toBeUndefined();
    expect(healthAfter({}, quality('UPGRADE', T, 'TIER_2K'))).toEqual({ messagingLimit: { value: 'TIER_2K', at: T } });
  });

  it('an older webhook (by Meta’s time) never overwrites a newer one, at the second', () => {
    const red = healthAfter({}, quality('FLAGGED', T));
    expect(healthAfter(red, quality('UNFLAGGED', T - 1))).toBe(red);
    expect(healthAfter(red, quality('UNFLAGGED', T + 1)).quality).toEqual({ value: 'GREEN', at: T + 1 });
    // the same second applies again (a tie is no older)
    expect(healthAfter(red, quality('UNFLAGGED', T)).quality).toEqual({ value: 'GREEN', at: T });
  });

  it('each fact keeps its own time: a later limit does not date an older rating', () => {
    const state = healthAfter(healthAfter({}, quality('FLAGGED', T)), quality('DOWNGRADE', T + 60, 'TIER_250'));
    expect(state).toEqual({ quality: { value: 'RED', at: T }, messagingLimit: { value: 'TIER_250', at: T + 60 } });
    expect(healthAfter(state, quality('UPGRADE', T + 30, 'TIER_2K'))).toBe(state);
  });

  it('answers the same object when a repeat changes nothing (nothing to write), whatever the stored key order', () => {
    const stored: HealthState = { messagingLimit: { at: T, value: 'TIER_2K' } };
    expect(healthAfter(stored, quality('UPGRADE', T, 'TIER_2K'))).toBe(stored);
  });
});

describe('an account’s restrictions from account_update', () => {
  const account = (event: string, at: number, more: Record<string, unknown> = {}) =>
    ({ kind: 'account', event, at, ...more }) as const;

  it('a DISABLE ban restricts, REINSTATE lifts it; other account events leave it', () => {
    const banned = healthAfter({}, account('DISABLED_UPDATE', T, { banState: 'DISABLE', banDate: 'April 17, 2025' }));
    expect(banned.restrictions).toEqual({ value: [{ type: 'DISABLE', date: 'April 17, 2025' }], at: T });
    expect(needsAttention(banned, T)).toEqual({ red: false, restricted: true });
    expect(healthAfter(banned, account('PARTNER_ADDED', T + 5))).toBe(banned);
    const lifted = healthAfter(banned, account('DISABLED_UPDATE', T + 1, { banState: 'REINSTATE' }));
    expect(needsAttention(lifted, T + 1).restricted).toBe(false);
    expect(healthAfter(lifted, account('DISABLED_UPDATE', T - 1, { banState: 'DISABLE' }))).toBe(lifted);
  });

  it('a messaging restriction is in force until its expiry, not at it', () => {
    const state = healthAfter(
      {},
      account('ACCOUNT_RESTRICTION', T, {
        restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: T + 100 }],
      }),
    );
    expect(restrictionsInForce(state, T + 99)).toHaveLength(1);
    expect(restrictionsInForce(state, T + 100)).toHaveLength(0);
  });

  it('a violation is kept with its time', () => {
    expect(healthAfter({}, account('ACCOUNT_VIOLATION', T, { violationType: 'ADULT' }))).toEqual({
      violation: { value: 'ADULT', at: T },
    });
  });
});

describe('GET /numbers/{id}', () => {
  const records = [
    { scope: 'number', displayNumber: '15550783881', wabaId: 'W1', state: { quality: { value: 'RED', at: T } } },
    { scope: 'account', wabaId: 'W1', state: { restrictions: { value: [{ type: 'DISABLE' }], at: T + 1 } } },
    { scope: 'account', wabaId: 'W2', state: { restrictions: { value: [{ type: 'SCHEDULE_FOR_DISABLE' }], at: T } } },
  ] satisfies HealthRecord[];
  const templates = [
    { name: 'a', language: 'en_US', wabaId: 'W1', quality: 'YELLOW', qualityUpdatedAt: T },
    { name: 'b', language: 'en_US', wabaId: 'W2', quality: 'RED' },
    { name: 'c', language: 'en_US', wabaId: 'W1' },
  ];

  it('finds the number by the display number its id is configured with, and only its account’s facts', () => {
    const view = toNumberHealthView({
      phoneNumberId: '106540352242922',
      displayNumber: '+1 555-078-3881',
      records,
      templates,
      now: T + 2,
    });
    expect(view).toMatchObject({
      displayNumber: '15550783881',
      wabaId: 'W1',
      quality: { rating: 'RED', learntAt: new Date(T * 1000).toISOString() },
      messagingLimit: null,
      restricted: true,
      restrictions: [{ type: 'DISABLE', wabaId: 'W1' }],
      templates: [{ name: 'a', quality: 'YELLOW' }],
    });
    expect(view.templates).toHaveLength(1);
  });

  it('a number nothing is known of answers nulls and every account’s restrictions', () => {
    const view = toNumberHealthView({ phoneNumberId: '999', records, templates, now: T });
    expect(view).toMatchObject({ quality: null, wabaId: null, restricted: true });
    expect(view.restrictions.map((r) => r.wabaId)).toEqual(['W1', 'W2']);
  });
});
