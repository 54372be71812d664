import type { EpochSeconds } from './time';

/**
 * The health Meta reports for a business number and its WhatsApp Business Account, from the
 * `phone_number_quality_update` webhook
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/phone_number_quality_update)
 * and the `account_update` webhook
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/account_update).
 * Each fact keeps Meta's time: webhooks come in any order, and an older one never overwrites a newer.
 */
export interface Learnt<T> {
  value: T;
  /** Meta's time of the webhook that said so (entry.time) */
  at: EpochSeconds;
}

/** A restriction Meta placed on the account: a ban (DISABLED_UPDATE) or a messaging restriction. */
export interface Restriction {
  /** DISABLE, SCHEDULE_FOR_DISABLE, or Meta's restriction_type (RESTRICTED_BIZ_INITIATED_MESSAGING, ...) */
  type: string;
  /** when Meta lifts it, if it said (restriction_info[].expiration) */
  expiresAt?: EpochSeconds;
  /** the ban date as Meta wrote it (ban_info.waba_ban_date) */
  date?: string;
}

export interface HealthState {
  /** GREEN, YELLOW, RED or UNKNOWN */
  quality?: Learnt<string>;
  /** Meta's messaging-limit tier: TIER_250, TIER_2K, ..., TIER_UNLIMITED */
  messagingLimit?: Learnt<string>;
  /** the restrictions in force after the latest account update that spoke of them */
  restrictions?: Learnt<Restriction[]>;
  /** the latest policy violation (ACCOUNT_VIOLATION's violation_type) */
  violation?: Learnt<string>;
}

export type HealthSignal =
  | {
      kind: 'number-quality';
      /** FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE, ONBOARDING, THROUGHPUT_UPGRADE, ... */
      event: string;
      /** max_daily_conversations_per_business, else current_limit (Meta removes it in 2026) */
      limit?: string;
      /** a rating Meta states outright (quality_rating), where it does */
      rating?: string;
      at: EpochSeconds;
    }
  | {
      kind: 'account';
      event: string;
      /** ban_info.waba_ban_state of DISABLED_UPDATE */
      banState?: string;
      banDate?: string;
      /** restriction_info of ACCOUNT_RESTRICTION */
      restrictions?: { type: string; expiresAt?: EpochSeconds }[];
      violationType?: string;
      at: EpochSeconds;
    };

/** The bans that restrict the account; REINSTATE lifts them. */
const BAN_STATES = new Set(['DISABLE', 'SCHEDULE_FOR_DISABLE']);

/**
 * The rating a quality event implies: Meta flags a number whose quality rating fell to low (RED)
 * and unflags it once it recovered; the other events (tier and throughput changes) say nothing of it.
 */
export const qualityOfEvent = (event: string): string | undefined =>
  event === 'FLAGGED' ? 'RED' : event === 'UNFLAGGED' ? 'GREEN' : undefined;

/** A newer (or equally new) fact replaces the stored one; an older one is ignored. */
const newer = <T>(current: Learnt<T> | undefined, value: T | undefined, at: EpochSeconds): Learnt<T> | undefined =>
  value === undefined || (current !== undefined && current.at > at) ? current : { value, at };

const restrictionsOf = (signal: Extract<HealthSignal, { kind: 'account' }>): Restriction[] | undefined => {
  if (signal.event === 'DISABLED_UPDATE' && signal.banState !== undefined) {
    if (!BAN_STATES.has(signal.banState)) return [];
    return [{ type: signal.banState, ...(signal.banDate === undefined ? {} : { date: signal.banDate }) }];
  }
  if (signal.event === 'ACCOUNT_RESTRICTION') return signal.restrictions ?? [];
  return undefined;
};

const FACTS = ['quality', 'messagingLimit', 'restrictions', 'violation'] as const;

/** JSON with sorted keys: a stored map comes back from DynamoDB in any key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, part: unknown) =>
    part !== null && typeof part === 'object' && !Array.isArray(part)
      ? Object.fromEntries(Object.entries(part).sort(([a], [b]) => a.localeCompare(b)))
      : part,
  );

const sameFact = (a: Learnt<unknown> | undefined, b: Learnt<unknown> | undefined): boolean =>
  a !== undefined && b !== undefined && a.at === b.at && canonical(a.value) === canonical(b.value);

/** The health after one of Meta's webhooks; the same object when nothing changes (nothing to write). */
export const healthAfter = (current: HealthState, signal: HealthSignal): HealthState => {
  const next: HealthState =
    signal.kind === 'number-quality'
      ? {
          ...current,
          quality: newer(current.quality, signal.rating ?? qualityOfEvent(signal.event), signal.at),
          messagingLimit: newer(current.messagingLimit, signal.limit, signal.at),
        }
      : {
          ...current,
          restrictions: newer(current.restrictions, restrictionsOf(signal), signal.at),
          violation: newer(
            current.violation,
            signal.event === 'ACCOUNT_VIOLATION' ? signal.violationType : undefined,
            signal.at,
          ),
        };
  const changed = FACTS.some((fact) => next[fact] !== current[fact] && !sameFact(next[fact], current[fact]));
  return changed
    ? (Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)) as HealthState)
    : current;
};

/** A restriction still in force at `now` (one with an expiry past it is lifted). */
export const restrictionsInForce = (state: HealthState, now: EpochSeconds): Restriction[] =>
  (state.restrictions?.value ?? []).filter((r) => r.expiresAt === undefined || r.expiresAt > now);

/** What the alarm watches: a RED quality rating, or any restriction in force. */
export const needsAttention = (state: HealthState, now: EpochSeconds): { red: boolean; restricted: boolean } => ({
  red: state.quality?.value === 'RED',
  restricted: restrictionsInForce(state, now).length > 0,
});
