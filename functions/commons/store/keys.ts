import type { BillingUnit } from '#domain/delivery';
import type { TableKey } from './table-schema';

/**
 * Key templates of the single table, one per access pattern. A contact is one (business number,
 * user) pair; `contactId` is the first id we saw the user by, and aliases map every id of the user to it.
 */
export const contactPk = (phoneNumberId: string, contactId: string): string => `CONTACT#${phoneNumberId}#${contactId}`;

/** Daily aggregates are spread over this many partitions so a busy day has no hot key. */
export const AGGREGATE_SHARDS = 16;

/** FNV-1a: a stable, cheap spread of message ids over the aggregate shards. */
export const shardOf = (id: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % AGGREGATE_SHARDS;
};

export type UnitKind = 'message' | 'conversation' | 'difference';

export const keys = {
  /** any id of a user (wa_id or business-scoped user id) → the contact it belongs to */
  userAlias: (phoneNumberId: string, id: string): TableKey => ({ pk: `USER#${phoneNumberId}#${id}`, sk: 'ALIAS' }),
  /** the customer service window, 24 h from the user's last message */
  window: (phoneNumberId: string, contactId: string): TableKey => ({
    pk: contactPk(phoneNumberId, contactId),
    sk: 'WINDOW',
  }),
  /** the latest conversation of one category; a new one replaces it once it has expired */
  conversation: (phoneNumberId: string, contactId: string, category: string): TableKey => ({
    pk: contactPk(phoneNumberId, contactId),
    sk: `CONV#${category}`,
  }),
  /** one message, inbound or outbound, by Meta's id (wamid) */
  message: (wamid: string): TableKey => ({ pk: `MSG#${wamid}`, sk: 'MSG' }),
  /** the audit record of one conversation, kept without TTL */
  conversationLedger: (conversationId: string): TableKey => ({ pk: `LEDGER#${conversationId}`, sk: 'LEDGER' }),
  /** one cell of the daily aggregates: what the cost report reads instead of messages */
  aggregate: (kind: UnitKind, unit: BillingUnit, shard: number): TableKey => ({
    pk: `AGG#${unit.day}#${String(shard).padStart(2, '0')}`,
    sk: [kind, unit.phoneNumberId, unit.country, unit.category, unit.pricingModel, unit.pricingType].join('#'),
  }),
  aggregatePartition: (day: string, shard: number): string => `AGG#${day}#${String(shard).padStart(2, '0')}`,
  /** a message template by name and language */
  template: (name: string, language: string): TableKey => ({ pk: 'TEMPLATES', sk: `${name}#${language}` }),
  /** sends from one business number within one second (per-number throughput) */
  numberPace: (phoneNumberId: string, second: number): TableKey => ({
    pk: `PACE#${phoneNumberId}#${second}`,
    sk: 'NUMBER',
  }),
  /** the pair rate to one user: the theoretical arrival time of the next send */
  pairPace: (phoneNumberId: string, contactId: string): TableKey => ({
    pk: `PACE#${phoneNumberId}#${contactId}`,
    sk: 'PAIR',
  }),
  /** webhook content we could not model, or account events, kept raw for inspection */
  webhookRecord: (day: string, kind: string, digest: string): TableKey => ({
    pk: `WEBHOOK#${day}`,
    sk: `${kind}#${digest}`,
  }),
} as const;

/** Sort-key prefixes inside a contact's partition. */
export const contactItem = {
  window: 'WINDOW',
  conversationPrefix: 'CONV#',
} as const;
