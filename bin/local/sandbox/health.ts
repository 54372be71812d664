/**
 * The sandbox's account health: Meta's `phone_number_quality_update` webhook for its own number
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/phone_number_quality_update)
 * and `account_update` for its own WABA
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/account_update),
 * built when asked, as Meta sends them when it flags a number or restricts an account, so
 * `GET /numbers/{phoneNumberId}` and the health alarm can be watched on a laptop.
 */
import { invalidSandboxRequest, type Json } from './errors';

/** The `event` values of a quality update the engine reads (domain/account-health.ts). */
export const QUALITY_EVENTS = ['FLAGGED', 'UNFLAGGED', 'UPGRADE', 'DOWNGRADE', 'ONBOARDING'] as const;
/** The `event` values of an account update the engine keeps as health. */
export const ACCOUNT_EVENTS = ['ACCOUNT_RESTRICTION', 'ACCOUNT_VIOLATION', 'DISABLED_UPDATE'] as const;
const BAN_STATES = ['DISABLE', 'SCHEDULE_FOR_DISABLE', 'REINSTATE'] as const;
const TIER = /^TIER_[0-9A-Z]+$/;

export interface HealthOrigin {
  wabaId: string;
  displayPhoneNumber: string;
  /** Meta's time of the webhook (entry.time), epoch seconds */
  now: number;
}

const oneOf = <T extends string>(value: unknown, values: readonly T[], field: string): T => {
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
  throw invalidSandboxRequest(`${field} must be one of ${values.join(', ')}.`);
};

const optionalText = (value: unknown, field: string, pattern?: RegExp): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '' && (pattern === undefined || pattern.test(value))) return value;
  throw invalidSandboxRequest(`${field} must be ${pattern ? `like ${pattern.source}` : 'a non-empty string'}.`);
};

const envelope = (origin: HealthOrigin, field: string, value: Json): Json => ({
  object: 'whatsapp_business_account',
  entry: [{ id: origin.wabaId, time: origin.now, changes: [{ field, value }] }],
});

/** `{ event, limit? }`: the number flagged, unflagged or moved to another tier (`limit`, e.g. TIER_10K). */
export const numberQualityWebhook = (request: Json, origin: HealthOrigin): Json => {
  const event = oneOf(request.event, QUALITY_EVENTS, 'event');
  const limit = optionalText(request.limit, 'limit', TIER);
  return envelope(origin, 'phone_number_quality_update', {
    display_phone_number: origin.displayPhoneNumber,
    event,
    ...(limit === undefined ? {} : { max_daily_conversations_per_business: limit }),
  });
};

/**
 * `{ event, restrictionType?, expiresInSeconds?, violationType?, banState? }`: a messaging
 * restriction (until `expiresInSeconds` from now, a day by default), a policy violation, or a ban
 * (`banState`, `REINSTATE` lifting it).
 */
export const accountUpdateWebhook = (request: Json, origin: HealthOrigin): Json => {
  const event = oneOf(request.event, ACCOUNT_EVENTS, 'event');
  if (event === 'ACCOUNT_RESTRICTION') {
    const type = optionalText(request.restrictionType, 'restrictionType') ?? 'RESTRICTED_BIZ_INITIATED_MESSAGING';
    const seconds = request.expiresInSeconds ?? 86_400;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
      throw invalidSandboxRequest('expiresInSeconds must be a whole number of seconds from 1.');
    }
    return envelope(origin, 'account_update', {
      event,
      restriction_info: [{ restriction_type: type, expiration: origin.now + seconds }],
    });
  }
  if (event === 'ACCOUNT_VIOLATION') {
    const type = optionalText(request.violationType, 'violationType') ?? 'SCAM';
    return envelope(origin, 'account_update', { event, violation_info: { violation_type: type } });
  }
  const banState = oneOf(request.banState ?? 'DISABLE', BAN_STATES, 'banState');
  const day = new Date(origin.now * 1000).toISOString().slice(0, 10);
  return envelope(origin, 'account_update', { event, ban_info: { waba_ban_state: banState, waba_ban_date: day } });
};
