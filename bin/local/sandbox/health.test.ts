import { parseWebhook } from '#webhook/parse';
import { accountUpdateWebhook, numberQualityWebhook, type HealthOrigin } from './health';
import { SandboxFailure } from './errors';

const origin: HealthOrigin = { wabaId: '100000000000000', displayPhoneNumber: '15550000000', now: 1_780_000_000 };

/** What the engine's own parser reads from the webhook the sandbox posts. */
const readByEngine = (payload: unknown) => {
  const { events } = parseWebhook(payload);
  expect(events).toHaveLength(1);
  const [event] = events;
  return { ...event, raw: undefined };
};

/** The sandbox's 400 for a request, with its message. */
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SandboxFailure);
    const failure = error as SandboxFailure;
    return { status: failure.status, body: failure.body };
  }
  throw new Error('not refused');
};

describe('sandbox health webhooks, as the engine reads them', () => {
  it("flags the sandbox's number, with the tier when one is given", () => {
    expect(readByEngine(numberQualityWebhook({ event: 'FLAGGED', limit: 'TIER_10K' }, origin))).toEqual({
      kind: 'number-quality',
      wabaId: origin.wabaId,
      displayNumber: origin.displayPhoneNumber,
      event: 'FLAGGED',
      limit: 'TIER_10K',
      timestamp: origin.now,
      raw: undefined,
    });
  });

  it('restricts the account until the given number of seconds from now', () => {
    const payload = accountUpdateWebhook({ event: 'ACCOUNT_RESTRICTION', expiresInSeconds: 3_600 }, origin);
    expect(readByEngine(payload)).toMatchObject({
      kind: 'account-update',
      event: 'ACCOUNT_RESTRICTION',
      restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: origin.now + 3_600 }],
      timestamp: origin.now,
    });
  });

  it('reports a violation, and bans then reinstates the account', () => {
    expect(readByEngine(accountUpdateWebhook({ event: 'ACCOUNT_VIOLATION' }, origin))).toMatchObject({
      event: 'ACCOUNT_VIOLATION',
      violationType: 'SCAM',
    });
    expect(readByEngine(accountUpdateWebhook({ event: 'DISABLED_UPDATE' }, origin))).toMatchObject({
      event: 'DISABLED_UPDATE',
      banState: 'DISABLE',
      banDate: '2026-05-28',
    });
    expect(
      readByEngine(accountUpdateWebhook({ event: 'DISABLED_UPDATE', banState: 'REINSTATE' }, origin)),
    ).toMatchObject({ banState: 'REINSTATE' });
  });

  it.each([
    ['an unknown quality event', () => numberQualityWebhook({ event: 'RED' }, origin), /^event must be one of FLAGGED/],
    [
      'a tier not written TIER_…',
      () => numberQualityWebhook({ event: 'UPGRADE', limit: '10000' }, origin),
      /^limit must be like/,
    ],
    ['an unknown account event', () => accountUpdateWebhook({}, origin), /^event must be one of ACCOUNT_RESTRICTION/],
    [
      'a restriction of no time',
      () => accountUpdateWebhook({ event: 'ACCOUNT_RESTRICTION', expiresInSeconds: 0 }, origin),
      /^expiresInSeconds must be a whole number/,
    ],
    [
      'an unknown ban state',
      () => accountUpdateWebhook({ event: 'DISABLED_UPDATE', banState: 'GONE' }, origin),
      /^banState must be one of DISABLE, SCHEDULE_FOR_DISABLE, REINSTATE/,
    ],
  ])('refuses %s with a 400 that names the field', (_, run, message) => {
    const { status, body } = refusal(run);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'VALIDATION_ERROR', message: expect.stringMatching(message) } });
  });
});
