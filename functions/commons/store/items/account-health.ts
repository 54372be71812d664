import type { HealthState } from '#domain/account-health';
import type { HealthSubject } from '../health-store';
import type { TableKey } from '../table-schema';
import { anyOf, declare } from './declaration';

/**
 * What Meta reports of a business number's health (quality rating, messaging-limit tier) and of its
 * WhatsApp Business Account's (restrictions, violations), one item each in the one `HEALTH`
 * partition: a deployment has a few numbers, so `GET /numbers/{id}` reads them all with one Query.
 * A number is keyed by the display number Meta's quality webhook names it by (digits only); the
 * account by its WABA id. No TTL: the health holds until Meta says otherwise.
 */
export type AccountHealthItem = TableKey &
  HealthState & {
    scope: 'number' | 'account';
    /** the number's display number (digits), for a number */
    displayNumber?: string;
    /** the WABA the webhook came from (entry.id) */
    wabaId: string;
    version: number;
  };

const PK = 'HEALTH';
const NUMBER = 'NUMBER#';
const ACCOUNT = 'WABA#';

/** A display number as digits only: Meta writes `15550783881`, a person `+1 555-078-3881`. */
export const displayDigits = (display: string): string => display.replace(/\D/g, '');

export const accountHealthItem = declare({
  kind: 'account-health',
  pk: PK,
  sk: anyOf((scope: 'number' | 'account', id: string) =>
    scope === 'number' ? `${NUMBER}${displayDigits(id)}` : `${ACCOUNT}${id}`,
  ),
  accessPatterns: [
    /** PutItem under the version read, after a phone_number_quality_update or account_update webhook */
    'apply',
    /** Query of the one HEALTH partition (GET /numbers/{phoneNumberId}) */
    'list',
  ],
});

export const isAccountHealthKey = (pk: string, sk: string): boolean => accountHealthItem.matches({ pk, sk });

export const HEALTH_PK = PK;

const learnt = (value: unknown) =>
  typeof value === 'object' && value !== null && typeof (value as { at?: unknown }).at === 'number' ? value : undefined;

/** The health facts of a stored item (or of a stream image). */
export const toHealthState = (item: Record<string, unknown> | undefined): HealthState =>
  Object.fromEntries(
    (['quality', 'messagingLimit', 'restrictions', 'violation'] as const).flatMap((fact) =>
      learnt(item?.[fact]) ? [[fact, item?.[fact]]] : [],
    ),
  ) as HealthState;

export const healthKeyOf = (subject: HealthSubject) =>
  subject.scope === 'number'
    ? accountHealthItem.key('number', subject.displayNumber)
    : accountHealthItem.key('account', subject.wabaId);

/** The attributes of a health item besides its key and version. */
export const healthAttributes = (subject: HealthSubject, state: HealthState) => ({
  scope: subject.scope,
  wabaId: subject.wabaId,
  ...(subject.scope === 'number' ? { displayNumber: displayDigits(subject.displayNumber) } : {}),
  ...state,
});
