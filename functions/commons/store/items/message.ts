import type { DeliveryDecision, MessageEffects } from '#domain/delivery';
import { currentStatus, type MessageState } from '#domain/message-state';
import type { DeliveryStatus } from '#webhook/events';
import type { EpochSeconds } from '#domain/time';
import type { InboundMessageEvent } from '#webhook/events';
import { outboundAt } from '#domain/history-view';
import { inboundMedia, type MediaRecord } from '#domain/media';
import { cutFields, rawJson } from '../raw-copy';
import { tableSchema, type TableKey } from '../table-schema';
import { contactPk } from './contact-partition';
import { declare } from './declaration';

const historyIndex = tableSchema.historyIndex;

/**
 * The history index attributes every message item carries (the index is sparse: no other kind has
 * them): the contact's partition, then Meta's timestamp (zero-padded so the string order is the time
 * order), then, because Meta's timestamps are whole seconds, the millisecond we received or sent it
 * (messages of one second keep their order), then the wamid.
 */
export type HistoryAttributes = { historyPk: string; historySk: string };

export const historyKeys = (
  phoneNumberId: string,
  contactId: string,
  timestamp: EpochSeconds,
  wamid: string,
  atMs = 0,
): HistoryAttributes => ({
  [historyIndex.partitionKey]: contactPk(phoneNumberId, contactId),
  [historyIndex.sortKey]: [
    String(Math.max(0, Math.floor(timestamp))).padStart(12, '0'),
    String(Math.max(0, Math.floor(atMs))).padStart(13, '0'),
    wamid,
  ].join('#'),
});

/** The second a history sort key is stamped with (its first part, historyKeys above). */
export const historyStampOf = (historySk: unknown): EpochSeconds => Number(String(historySk).split('#')[0]);

/** A user's message: recorded once per id, its content kept for the retention period only. */
export type InboundMessageItem = TableKey &
  HistoryAttributes & {
    direction: 'inbound';
    phoneNumberId: string;
    contactId: string;
    type: string;
    timestamp: EpochSeconds;
    replyTo?: string;
    referral?: Record<string, unknown>;
    /** the message itself (text, media ids, ...) as JSON, cut to size */
    raw: string;
    /** inbound media starts `pending`: its insert on the table's stream is what the media worker reads */
    media?: MediaRecord;
    expiresAt: EpochSeconds;
  };

/** A business message: its folded state and the effects the table holds because of it. */
export type OutboundMessageItem = TableKey &
  HistoryAttributes & {
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

export const messageItem = declare({
  kind: 'message',
  pk: { prefix: 'MSG#', of: (wamid: string) => wamid },
  sk: 'MSG',
  ttl: 'expiresAt',
  accessPatterns: [
    /** PutItem once per id (condition: not there yet) */
    'recordInbound',
    /** GetItem by Meta's id (wamid), strongly consistent, before folding a status into it */
    'read',
    /** Query the history index by contact partition, newest first (GET /contacts/{userId}/messages) */
    'history',
    /** UpdateItem of `media` only: the worker marks it stored or failed (GET /media reads it) */
    'mediaState',
    /** PutItem under the version read, alone or in the transaction of its effects */
    'commit',
    /** UpdateItem of the contact (and index key) when its contact merges into another (message ledger moveHistory) */
    'moveHistory',
  ],
});

export const isMessageKey = messageItem.is;

export const toInboundMessageItem = (
  contact: { phoneNumberId: string; contactId: string },
  message: InboundMessageEvent,
  retainUntil: EpochSeconds,
  receivedAtMs: number = Date.now(),
): InboundMessageItem => {
  const media = inboundMedia(message.type, message.raw);
  return {
    ...messageItem.key(message.id),
    ...historyKeys(contact.phoneNumberId, contact.contactId, message.timestamp, message.id, receivedAtMs),
    direction: 'inbound',
    phoneNumberId: contact.phoneNumberId,
    contactId: contact.contactId,
    type: message.type,
    timestamp: message.timestamp,
    ...(message.context?.id ? { replyTo: message.context.id } : {}),
    ...(message.referral ? { referral: cutFields(message.referral) } : {}),
    raw: rawJson(message.raw).text,
    ...(media ? { media } : {}),
    expiresAt: retainUntil,
  };
};

export const toOutboundMessageItem = (
  message: { state: MessageState; decision?: DeliveryDecision; appliedEffects: MessageEffects; version: number },
  retainUntil: EpochSeconds,
): OutboundMessageItem => ({
  ...messageItem.key(message.state.id),
  ...historyKeys(
    message.state.phoneNumberId,
    message.state.contactId,
    outboundAt(message.state),
    message.state.id,
    message.state.sentAtMs,
  ),
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
  /** not there, or expired at `:now` and not deleted yet (DynamoDB's TTL deletes lazily) */
  notLive: 'attribute_not_exists(pk) OR expiresAt <= :now',
  versionRead: 'version = :previousVersion',
} as const;
