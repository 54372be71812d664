import { restrictionsInForce, type HealthState, type Learnt } from './account-health';
import { toIso, type EpochSeconds } from './time';

/** A stored health item as the view needs it. */
export type HealthRecord =
  | { scope: 'number'; displayNumber: string; wabaId: string; state: HealthState }
  | { scope: 'account'; wabaId: string; state: HealthState };

export interface TemplateQuality {
  name: string;
  language: string;
  wabaId?: string;
  quality?: string;
  qualityUpdatedAt?: EpochSeconds;
}

const learntAt = <T, V>(fact: Learnt<T> | undefined, shape: (value: T) => V) =>
  fact ? { ...shape(fact.value), learntAt: toIso(fact.at) } : null;

const digits = (value: string) => value.replace(/\D/g, '');

/**
 * `GET /numbers/{phoneNumberId}`: what Meta's webhooks said of the number and its account. Meta's
 * quality webhook names a number by its display number, so the number is found by the display
 * number WHATSAPP_DISPLAY_NUMBERS gives its id, or by the id itself when that is the display
 * number. Restrictions are the account's (its WABA's when the number's is known, else every
 * account's the table holds); templates are the account's too. Pure.
 */
export const toNumberHealthView = (input: {
  phoneNumberId: string;
  displayNumber?: string;
  records: readonly HealthRecord[];
  templates: readonly TemplateQuality[];
  now: EpochSeconds;
}) => {
  const wanted = new Set([digits(input.phoneNumberId), ...(input.displayNumber ? [digits(input.displayNumber)] : [])]);
  const number = input.records.find(
    (record): record is Extract<HealthRecord, { scope: 'number' }> =>
      record.scope === 'number' && wanted.has(digits(record.displayNumber)),
  );
  const wabaId = number?.wabaId;
  const accounts = input.records.filter(
    (record) => record.scope === 'account' && (wabaId === undefined || record.wabaId === wabaId),
  );
  const restrictions = accounts.flatMap((account) =>
    restrictionsInForce(account.state, input.now).map((restriction) => ({
      ...restriction,
      ...(restriction.expiresAt === undefined ? {} : { expiresAt: toIso(restriction.expiresAt) }),
      wabaId: account.wabaId,
      learntAt: toIso(account.state.restrictions?.at ?? 0),
    })),
  );
  const violations = accounts.flatMap((account) =>
    account.state.violation
      ? [{ type: account.state.violation.value, wabaId: account.wabaId, learntAt: toIso(account.state.violation.at) }]
      : [],
  );
  return {
    phoneNumberId: input.phoneNumberId,
    displayNumber: number?.displayNumber ?? input.displayNumber ?? null,
    wabaId: wabaId ?? null,
    quality: learntAt(number?.state.quality, (rating) => ({ rating })),
    messagingLimit: learntAt(number?.state.messagingLimit, (tier) => ({ tier })),
    restricted: restrictions.length > 0,
    restrictions,
    violations,
    templates: input.templates
      .filter((template) => template.quality !== undefined && (wabaId === undefined || template.wabaId === wabaId))
      .map((template) => ({
        name: template.name,
        language: template.language,
        quality: template.quality,
        learntAt: template.qualityUpdatedAt === undefined ? null : toIso(template.qualityUpdatedAt),
      })),
  };
};
