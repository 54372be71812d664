import type { DeliveryDecision, MessageEffects } from '#domain/delivery';
import { currentStatus, type MessageState } from '#domain/message-state';
import type { DeliveryStatus } from '#webhook/events';
import type { EpochSeconds } from '#domain/time';
import type { InboundMessageEvent } from '#webhook/events';
import { cutFields, rawJson } from '../raw-copy';
import type { TableKey } from '../table-schema';
import { declare } from './declaration';

/** A user's message: recorded once per id, its content kept for the retention period only. */
export type InboundMessageItem = TableKey & {
  direction: 'inbound';
  phoneNumberId: string;
  contactId: string;
  type: string;
  timestamp: EpochSeconds;
  replyTo?: string;
  referral?: Record<string, unknown>;
  /** the message itself (text, media ids, ...) as JSON, cut to size */
  raw: string;
  expiresAt: EpochSeconds;
};

/** A business message: its folded state and the effects the table holds because of it. */
export type OutboundMessageItem = TableKey & {
  direction: 'outbound';
  phoneNumberId: string;
  contactId: string;
  /** the current status, beside the state for readers that want only it */
  status?: DeliveryStatus;
  state: MessageState;
  decision?: DeliveryDecision;
  /** the applied effects: what the aggregates and conversation items hold because of this message */
  held: MessageEffects;
  /** optimistic lock: every write names the version it read */
  version: number;
  expiresAt: EpochSeconds;
};

export type MessageItem = InboundMessageItem | OutboundMessageItem;

const PREFIX = 'MSG#';
const SK = 'MSG';

export const messageItem = declare({
  kind: 'message',
  key: (wamid: string): TableKey => ({ pk: `${PREFIX}${wamid}`, sk: SK }),
  matches: ({ pk, sk }) => pk.startsWith(PREFIX) && sk === SK,
  ttl: 'expiresAt',
  accessPatterns: [
    /** PutItem once per id (condition: not there yet) */
    'recordInbound',
    /** GetItem by Meta's id (wamid), strongly consistent, before folding a status into it */
    'read',
    /** PutItem under the version read, alone or in the transaction of its effects */
    'commit',
  ],
});

export const isMessageKey = (pk: string, sk: string): boolean => messageItem.matches({ pk, sk });

export const toInboundMessageItem = (
  contact: { phoneNumberId: string; contactId: string },
  message: InboundMessageEvent,
  retainUntil: EpochSeconds,
): InboundMessageItem => ({
  ...messageItem.key(message.id),
  direction: 'inbound',
  phoneNumberId: contact.phoneNumberId,
  contactId: contact.contactId,
  type: message.type,
  timestamp: message.timestamp,
  ...(message.context?.id ? { replyTo: message.context.id } : {}),
  ...(message.referral ? { referral: cutFields(message.referral) } : {}),
  raw: rawJson(message.raw).text,
  expiresAt: retainUntil,
});

export const toOutboundMessageItem = (
  message: { state: MessageState; decision?: DeliveryDecision; appliedEffects: MessageEffects; version: number },
  retainUntil: EpochSeconds,
): OutboundMessageItem => ({
  ...messageItem.key(message.state.id),
  direction: 'outbound',
  phoneNumberId: message.state.phoneNumberId,
  contactId: message.state.contactId,
  status: currentStatus(message.state),
  state: message.state,
  ...(message.decision ? { decision: message.decision } : {}),
  held: message.appliedEffects,
  version: message.version,
  expiresAt: retainUntil,
});

/**
 * The message's conditions from named parts:
 *
 *   first record ── version 1 ── version 2 ── ... ──▶  a write lands only on the version it read,
 *   (not there yet)                                    so two folds of one message never interleave
 */
export const messageConditions = {
  notThereYet: 'attribute_not_exists(pk)',
  versionRead: 'version = :previousVersion',
} as const;
