import {
  CONVERSATION_SECONDS,
  ENTRY_POINT_SECONDS,
  MESSAGE_DELIVERY_DAYS,
  RETENTION_FLOOR_DAYS,
  STATUS_RETRY_HORIZON_DAYS,
  WINDOW_SECONDS,
  retentionSeconds,
} from './platform';

describe('platform constants', () => {
  it('the customer service window lasts 24 hours', () => {
    expect(WINDOW_SECONDS).toBe(86_400);
  });

  it('a conversation lasts 24 hours', () => {
    expect(CONVERSATION_SECONDS).toBe(86_400);
  });

  it('a free entry point lasts 72 hours', () => {
    expect(ENTRY_POINT_SECONDS).toBe(259_200);
  });

  it('retention never drops below 8 days (Meta retries for 7)', () => {
    expect(RETENTION_FLOOR_DAYS).toBe(8);
    expect(retentionSeconds(1)).toBe(8 * 86_400);
    expect(retentionSeconds(8)).toBe(8 * 86_400);
    expect(retentionSeconds(9)).toBe(9 * 86_400);
  });

  it("a message's statuses keep coming for 30 days of delivery attempts and 7 of webhook retries", () => {
    expect(MESSAGE_DELIVERY_DAYS).toBe(30);
    expect(STATUS_RETRY_HORIZON_DAYS).toBe(37);
  });
});
