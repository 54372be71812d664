import { gcra, mergedArrival, pairRateLimit } from './pacing';

const replay = (limit: ReturnType<typeof pairRateLimit>, times: number[]) => {
  let tat: number | undefined;
  return times.map((now) => {
    const decision = gcra(limit, tat, now);
    if (decision.allowed) tat = decision.next;
    return decision.allowed ? 'ok' : decision.retryAfter;
  });
};

describe('pacing (GCRA)', () => {
  it('lets a burst through at once, then refuses with the wait until the next send fits', () => {
    const limit = pairRateLimit(6, 3);
    expect(replay(limit, [100, 100, 100, 100])).toEqual(['ok', 'ok', 'ok', 6]);
  });

  it('pays a burst back at the sustained rate: one send every interval', () => {
    const limit = pairRateLimit(6, 3);
    expect(replay(limit, [100, 100, 100, 105, 106, 111, 112])).toEqual(['ok', 'ok', 'ok', 1, 'ok', 1, 'ok']);
  });

  it('forgets an old burst once the user has been quiet long enough', () => {
    const limit = pairRateLimit(6, 2);
    expect(replay(limit, [100, 100, 200, 200, 200])).toEqual(['ok', 'ok', 'ok', 'ok', 6]);
  });

  it('lets a paced sender at exactly the rate through indefinitely', () => {
    const limit = pairRateLimit(6, 1);
    expect(replay(limit, [0, 6, 12, 18, 24])).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(replay(limit, [0, 5])).toEqual(['ok', 1]);
  });
});

describe('mergedArrival', () => {
  const now = 1_000;
  it('carries the backlogs of both contacts of one user', () => {
    expect(mergedArrival(now + 11, now + 5, now)).toBe(now + 16);
    expect(mergedArrival(undefined, now + 5, now)).toBe(now + 5);
  });
  it('counts an arrival time at or before now as no backlog, a second later as one', () => {
    expect(mergedArrival(now, now - 30, now)).toBeUndefined();
    expect(mergedArrival(now + 1, now, now)).toBe(now + 1);
    expect(mergedArrival(undefined, undefined, now)).toBeUndefined();
  });
});
