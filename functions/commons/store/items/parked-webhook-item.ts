import { createHash } from 'node:crypto';
import { utcDay, type EpochSeconds } from '#domain/time';
import { cutFields, rawJson } from '../raw-copy';
import type { TableKey } from '../table-schema';
import { anyOf, declare } from './declaration';

/** Why webhook content was parked: stored raw for inspection, the POST still answered 200. */
export type ParkedKind = 'unrecognized' | 'account-update' | 'value-error';

/** Webhook content parked before it is stored: what we could not model, account events, Meta's errors. */
export interface ParkedWebhookContent {
  kind: ParkedKind;
  receivedAt: EpochSeconds;
  retainUntil: EpochSeconds;
  raw: unknown;
  /** a few named fields kept beside the raw copy (wabaId, reason, path, field) */
  attributes: Record<string, string | undefined>;
}

export type ParkedWebhookItem = TableKey &
  Record<string, unknown> & {
    kind: ParkedKind;
    receivedAt: EpochSeconds;
    raw: string;
    truncated: boolean;
    expiresAt: EpochSeconds;
  };

export const parkedWebhookItem = declare({
  kind: 'parked-webhook-item',
  /** one item per UTC day, kind and digest of the raw copy: the same content parked twice is one item */
  pk: { prefix: 'WEBHOOK#', of: (day: string) => day },
  sk: anyOf((_day: string, kind: string, digest: string) => `${kind}#${digest}`),
  ttl: 'expiresAt',
  accessPatterns: [
    /** PutItem (a redelivery overwrites its own copy) */
    'park',
    /** Query of one UTC day */
    'inspect',
  ],
});

export const isParkedWebhookKey = parkedWebhookItem.is;

export const toParkedWebhookItem = (content: ParkedWebhookContent): ParkedWebhookItem => {
  const raw = rawJson(content.raw);
  const digest = createHash('sha256').update(raw.text).digest('hex').slice(0, 32);
  const attributes = cutFields(
    Object.fromEntries(Object.entries(content.attributes).filter(([, v]) => v !== undefined)),
  );
  return {
    ...parkedWebhookItem.key(utcDay(content.receivedAt), content.kind, digest),
    ...attributes,
    kind: content.kind,
    receivedAt: content.receivedAt,
    raw: raw.text,
    truncated: raw.truncated,
    expiresAt: content.retainUntil,
  };
};
