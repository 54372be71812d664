import { consentAfter, marketingRefusal, NO_CONSENT_RECORD } from './consent';
import { MARKETING_LIMIT_SECONDS } from './platform';

const T = 1_770_000_000;

describe('marketing consent', () => {
  it('a stop opts out, a resume opts back in; an older choice than the stored one changes nothing', () => {
    const stopped = consentAfter(NO_CONSENT_RECORD, { kind: 'preference', value: 'stop', at: T });
    expect(stopped).toEqual({ marketing: 'opted-out', changedAt: T, source: 'user_preferences' });
    expect(consentAfter(stopped, { kind: 'preference', value: 'resume', at: T - 1 })).toBe(stopped);
    expect(consentAfter(stopped, { kind: 'preference', value: 'resume', at: T + 1 })).toEqual({
      marketing: 'subscribed',
      changedAt: T + 1,
      source: 'user_preferences',
    });
  });

  it('131050 opts out; 131049 holds marketing for a day; other codes say nothing', () => {
    expect(consentAfter(NO_CONSENT_RECORD, { kind: 'failure', code: 131050, at: T })).toEqual({
      marketing: 'opted-out',
      changedAt: T,
      source: 'failed-send',
    });
    const limited = consentAfter(NO_CONSENT_RECORD, { kind: 'failure', code: 131049, at: T });
    expect(limited).toEqual({ marketing: 'subscribed', limitedUntil: T + MARKETING_LIMIT_SECONDS });
    expect(consentAfter(limited, { kind: 'failure', code: 131049, at: T - 10 })).toBe(limited);
    expect(consentAfter(NO_CONSENT_RECORD, { kind: 'failure', code: 131026, at: T })).toBe(NO_CONSENT_RECORD);
  });

  it('a merge of two records of one user keeps the later choice and the longer hold, either way round', () => {
    const stopped = { marketing: 'opted-out' as const, changedAt: T, source: 'user_preferences' as const };
    const resumed = { marketing: 'subscribed' as const, changedAt: T + 1, source: 'user_preferences' as const };
    const limited = { marketing: 'subscribed' as const, limitedUntil: T + MARKETING_LIMIT_SECONDS };
    expect(consentAfter(stopped, { kind: 'merge', theirs: resumed })).toEqual(resumed);
    expect(consentAfter(resumed, { kind: 'merge', theirs: stopped })).toBe(resumed);
    expect(consentAfter(stopped, { kind: 'merge', theirs: limited })).toEqual({
      ...stopped,
      limitedUntil: T + MARKETING_LIMIT_SECONDS,
    });
    expect(consentAfter(limited, { kind: 'merge', theirs: stopped })).toEqual({
      ...stopped,
      limitedUntil: T + MARKETING_LIMIT_SECONDS,
    });
    expect(consentAfter(stopped, { kind: 'merge', theirs: NO_CONSENT_RECORD })).toBe(stopped);
    expect(consentAfter(NO_CONSENT_RECORD, { kind: 'merge', theirs: stopped })).toEqual(stopped);
  });

  it('refuses only marketing templates: 422 when opted out, 429 until the limit ends, to the second', () => {
    const out = { marketing: 'opted-out' as const, changedAt: T };
    expect(marketingRefusal(out, 'marketing', T)).toMatchObject({ status: 422, code: 'MARKETING_OPT_OUT' });
    expect(marketingRefusal(out, 'utility', T)).toBeUndefined();
    expect(marketingRefusal(out, 'authentication', T)).toBeUndefined();
    const limited = { marketing: 'subscribed' as const, limitedUntil: T + MARKETING_LIMIT_SECONDS };
    expect(marketingRefusal(limited, 'marketing', T + MARKETING_LIMIT_SECONDS - 1)).toMatchObject({
      status: 429,
      code: 'MARKETING_LIMIT',
      retryAfter: 1,
    });
    expect(marketingRefusal(limited, 'marketing', T + MARKETING_LIMIT_SECONDS)).toBeUndefined();
    expect(marketingRefusal(NO_CONSENT_RECORD, 'marketing', T)).toBeUndefined();
  });
});
