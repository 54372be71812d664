import { MARKETING_LIMIT_SECONDS, MetaError } from './platform';
import type { EpochSeconds } from './time';

/**
 * A user's consent to marketing templates from one business number: the "Stop promotions" /
 * "Offers and announcements" choice Meta reports in the `user_preferences` webhook
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/user_preferences), learnt also
 * from a send Meta failed with 131050 (the user stopped marketing messages), and Meta's per-user
 * marketing limit (131049), which holds marketing to that user for a day. Utility and authentication
 * templates are never held. Pure: the clock is passed in.
 */
export interface ConsentState {
  marketing: 'subscribed' | 'opted-out';
  /** Meta's time of the choice that decided `marketing` (a stop, a resume or a 131050) */
  changedAt?: EpochSeconds;
  /** where the choice was learnt */
  source?: 'user_preferences' | 'failed-send';
  /** marketing is held until then after a 131049 */
  limitedUntil?: EpochSeconds;
}

export const NO_CONSENT_RECORD: ConsentState = { marketing: 'subscribed' };

export type ConsentSignal =
  | { kind: 'preference'; value: 'stop' | 'resume'; at: EpochSeconds }
  | { kind: 'failure'; code: number; at: EpochSeconds }
  /** the same user's consent kept under another contact, now merged into this one (identity linking) */
  | { kind: 'merge'; theirs: ConsentState };

/** Two records of one user: the later choice decides, the longer marketing hold holds. */
const mergeConsent = (ours: ConsentState, theirs: ConsentState): ConsentState => {
  const theirsNewer =
    theirs.changedAt !== undefined && (ours.changedAt === undefined || theirs.changedAt > ours.changedAt);
  const decided = theirsNewer ? theirs : ours;
  const limitedUntil = Math.max(ours.limitedUntil ?? 0, theirs.limitedUntil ?? 0);
  const merged: ConsentState = {
    marketing: decided.marketing,
    ...(decided.changedAt === undefined ? {} : { changedAt: decided.changedAt }),
    ...(decided.source === undefined ? {} : { source: decided.source }),
    ...(limitedUntil > 0 ? { limitedUntil } : {}),
  };
  // the same record back, so a store writes nothing when the merge changed nothing
  return theirsNewer || merged.limitedUntil !== ours.limitedUntil ? merged : ours;
};

/** The consent after one of Meta's signals; an older choice than the one stored changes nothing. */
export const consentAfter = (current: ConsentState, signal: ConsentSignal): ConsentState => {
  if (signal.kind === 'merge') return mergeConsent(current, signal.theirs);
  const newer = current.changedAt === undefined || signal.at >= current.changedAt;
  if (signal.kind === 'preference') {
    if (!newer) return current;
    return {
      ...current,
      marketing: signal.value === 'stop' ? 'opted-out' : 'subscribed',
      changedAt: signal.at,
      source: 'user_preferences',
    };
  }
  if (signal.code === MetaError.marketingOptOut) {
    return newer ? { ...current, marketing: 'opted-out', changedAt: signal.at, source: 'failed-send' } : current;
  }
  if (signal.code === MetaError.marketingLimit) {
    const until = signal.at + MARKETING_LIMIT_SECONDS;
    return current.limitedUntil !== undefined && current.limitedUntil >= until
      ? current
      : { ...current, limitedUntil: until };
  }
  return current;
};

/** The failure codes that say something about consent. */
export const isConsentFailure = (code: number): boolean =>
  code === MetaError.marketingOptOut || code === MetaError.marketingLimit;

export interface ConsentRefusal {
  status: 422 | 429;
  code: 'MARKETING_OPT_OUT' | 'MARKETING_LIMIT';
  message: string;
  retryAfter?: number;
}

/** Whether a template of `category` may go to the user now; refused before Meta, so no billed failure. */
export const marketingRefusal = (
  consent: ConsentState,
  category: string,
  now: EpochSeconds,
): ConsentRefusal | undefined => {
  if (category !== 'marketing') return undefined;
  if (consent.marketing === 'opted-out') {
    return {
      status: 422,
      code: 'MARKETING_OPT_OUT',
      message:
        'This user stopped marketing messages from your business (WhatsApp error 131050), so Meta would not deliver ' +
        'this marketing template: send a utility or authentication template, or wait until the user resumes them.',
    };
  }
  if (consent.limitedUntil !== undefined && now < consent.limitedUntil) {
    return {
      status: 429,
      code: 'MARKETING_LIMIT',
      message:
        'Meta held back a marketing message to this user for the per-user marketing limit (131049); another one ' +
        `before ${new Date(consent.limitedUntil * 1000).toISOString()} would fail the same way and count against your quality.`,
      retryAfter: consent.limitedUntil - now,
    };
  }
  return undefined;
};
