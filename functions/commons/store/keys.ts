import { accountHealthItem } from './items/account-health';
import { aggregateCellItem, aggregatePartition } from './items/aggregate-cell';
import { aliasItem } from './items/alias';
import { conversationItem } from './items/conversation';
import { countedUnitsItem } from './items/counted-units';
import { ledgerEntryItem } from './items/ledger-entry';
import { messageItem } from './items/message';
import { numberSlotItem, pairSlotItem } from './items/pacing-slot';
import { parkedWebhookItem } from './items/parked-webhook-item';
import { templateItem } from './items/template';
import { templateCellItem, templatePartition } from './items/template-cell';
import { windowItem } from './items/window';

/**
 * The key templates of the single table, gathered from the item modules (store/items/), where
 * each kind declares its key, attributes, TTL and access patterns. Tests and the bench address
 * items through this one object.
 */
export { contactPk } from './items/contact-partition';
export { AGGREGATE_SHARDS, shardOf, type UnitKind } from './items/aggregate-cell';

export const keys = {
  userAlias: aliasItem.key,
  window: windowItem.key,
  conversation: conversationItem.key,
  message: messageItem.key,
  conversationLedger: ledgerEntryItem.key,
  countedUnits: countedUnitsItem.key,
  aggregate: aggregateCellItem.key,
  aggregatePartition,
  template: templateItem.key,
  templateCell: templateCellItem.key,
  templatePartition,
  numberPace: numberSlotItem.key,
  pairPace: pairSlotItem.key,
  parkedWebhookItem: parkedWebhookItem.key,
  accountHealth: accountHealthItem.key,
} as const;
