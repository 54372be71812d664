import { RETENTION_FLOOR_DAYS } from './platform';
import {
  aliasExpiry,
  aliasNeedsRefresh,
  countedUnitsExpiry,
  isStaleStatus,
  retentionHorizon,
  RETRY_HORIZON_SECONDS,
} from './retention';
import { isLive } from './time';
import { DAY } from './time';

const NOW = 1_760_000_000;

describe('retention', () => {
  it('a status is stale from the second the retention has passed since its timestamp', () => {
    const horizon = NOW - 30 * DAY;
    expect(retentionHorizon(NOW, 30)).toBe(horizon);
    expect(isStaleStatus(horizon + 1, NOW, 30)).toBe(false);
    expect(isStaleStatus(horizon, NOW, 30)).toBe(true);
    expect(isStaleStatus(horizon - 1, NOW, 30)).toBe(true);
  });

  it('a retention configured below the floor still keeps statuses of the floor fresh', () => {
    const floor = NOW - RETENTION_FLOOR_DAYS * DAY;
    expect(isStaleStatus(floor + 1, NOW, 1)).toBe(false);
    expect(isStaleStatus(floor, NOW, 1)).toBe(true);
  });

  it('no status Meta may still retry is ever stale', () => {
    expect(isStaleStatus(NOW - RETRY_HORIZON_SECONDS, NOW, 1)).toBe(false);
    expect(isStaleStatus(NOW - RETRY_HORIZON_SECONDS - DAY + 1, NOW, 1)).toBe(false);
  });

  it('an alias lives for the message retention from when it was last seen', () => {
    expect(aliasExpiry(NOW, 30)).toBe(NOW + 30 * DAY);
    expect(aliasExpiry(NOW, 1)).toBe(NOW + RETENTION_FLOOR_DAYS * DAY);
  });

  it('an alias seen again is refreshed once a day at most', () => {
    const full = aliasExpiry(NOW, 30);
    expect(aliasNeedsRefresh(undefined, NOW, 30)).toBe(true);
    expect(aliasNeedsRefresh(full, NOW, 30)).toBe(false);
    expect(aliasNeedsRefresh(full - DAY + 1, NOW, 30)).toBe(false);
    expect(aliasNeedsRefresh(full - DAY, NOW, 30)).toBe(true);
  });

  it("a delivery's counted-units record lives 37 days (Meta's delivery attempts and webhook retries) past its message record", () => {
    const messageExpiry = NOW + 30 * DAY;
    const expiry = countedUnitsExpiry(messageExpiry);
    expect(expiry).toBe(messageExpiry + 37 * DAY);
    expect(isLive(expiry, expiry - 1)).toBe(true);
    expect(isLive(expiry, expiry)).toBe(false);
  });
});
