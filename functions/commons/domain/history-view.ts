import type { DeliveryStatus } from '#webhook/events';
import { mediaPath, type MediaRecord } from './media';
import { currentStatus, type MessageState } from './message-state';
import { isLive, toIso, type EpochSeconds } from './time';

/** One message of a contact's history, as GET /contacts/{userId}/messages answers it. */
export interface HistoryMessage {
  wamid: string;
  direction: 'inbound' | 'outbound';
  type: string;
  /** Meta's timestamp of an inbound message; when the send API handed an outbound one to Meta (else its first status) */
  timestamp: string;
  /** the type's object as Meta sent it or as we sent it (text, caption and media id, location, reply, reaction, template) */
  content: Record<string, unknown> | null;
  /** true once the retention period has passed: the message is listed, its content is gone */
  contentExpired: boolean;
  /** inbound: `received`, or `read` once the business marked it read; outbound: the current delivery status (null until Meta reports one) */
  status: string | null;
  statuses: Partial<Record<DeliveryStatus, string>>;
  errors: number[];
  /** the conversation an outbound message opened or was delivered in */
  conversation: { id: string; category?: string } | null;
  template?: { name: string; category?: string };
  media?: Omit<MediaRecord, 'key' | 'bucket'> & { url: string };
}

/**
 * When a business message happened: the send API's time, or the earliest status Meta reported when the
 * send was not ours (or its statuses came first). The minimum, so the order of arrival does not matter.
 */
export const outboundAt = (state: Pick<MessageState, 'statusAt'> & { sentAt?: EpochSeconds }): EpochSeconds => {
  const times = [state.sentAt, ...Object.values(state.statusAt)].filter((t): t is number => typeof t === 'number');
  return times.length > 0 ? Math.min(...times) : 0;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const parseRaw = (raw: unknown): Record<string, unknown> => {
  if (typeof raw !== 'string') return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
};

const mediaView = (wamid: string, media: unknown): HistoryMessage['media'] => {
  if (!isObject(media) || typeof media.id !== 'string') return undefined;
  const { key: _key, bucket: _bucket, ...shown } = media as unknown as MediaRecord;
  return { ...shown, url: mediaPath(wamid, media.id) };
};

const wamidOf = (item: Record<string, unknown>): string => String(item.pk ?? '').replace(/^MSG#/, '');

const inboundView = (item: Record<string, unknown>, live: boolean): HistoryMessage => {
  const wamid = wamidOf(item);
  const type = String(item.type ?? 'unknown');
  const raw = live ? parseRaw(item.raw) : {};
  const content = isObject(raw[type]) ? (raw[type] as Record<string, unknown>) : null;
  const media = live ? mediaView(wamid, item.media) : undefined;
  return {
    wamid,
    direction: 'inbound',
    type,
    timestamp: toIso(Number(item.timestamp ?? 0)),
    content: live ? content : null,
    contentExpired: !live,
    // Marked read by the business (POST /messages with status read); when is on the table item (readAt).
    status: item.status === 'read' ? 'read' : 'received',
    statuses: {},
    errors: [],
    conversation: null,
    ...(media ? { media } : {}),
  };
};

const outboundView = (item: Record<string, unknown>, live: boolean, at: EpochSeconds): HistoryMessage => {
  const state = item.state as MessageState;
  const held = (isObject(item.held) ? item.held : {}) as { conversation?: { id: string; category?: string } };
  const decision = (isObject(item.decision) ? item.decision : {}) as { joinedConversationId?: string };
  const type = state.content?.type ?? (state.kind === 'template' ? 'template' : 'unknown');
  const typed = state.content?.[type];
  const conversationId = held.conversation?.id ?? decision.joinedConversationId ?? state.metaConversation?.id;
  const category = held.conversation?.category ?? state.metaConversation?.category;
  return {
    wamid: state.id,
    direction: 'outbound',
    type,
    timestamp: toIso(at),
    content: live && isObject(typed) ? typed : null,
    contentExpired: !live,
    status: currentStatus(state) ?? null,
    statuses: Object.fromEntries(
      Object.entries(state.statusAt).map(([status, t]) => [status, toIso(Number(t))]),
    ) as HistoryMessage['statuses'],
    errors: state.errorCodes,
    conversation: conversationId ? { id: conversationId, ...(category ? { category } : {}) } : null,
    ...(state.templateName
      ? {
          template: {
            name: state.templateName,
            ...(state.templateCategory ? { category: state.templateCategory } : {}),
          },
        }
      : {}),
  };
};

/**
 * A history item as the route shows it. Content is live while `expiresAt` is in the future; after
 * that DynamoDB's TTL deletes the item (lazily), and until it does the message is listed without content.
 */
export const toHistoryMessage = (item: Record<string, unknown>, now: EpochSeconds): HistoryMessage => {
  const live = isLive(typeof item.expiresAt === 'number' ? item.expiresAt : undefined, now);
  if (item.direction === 'outbound' && isObject(item.state)) {
    return outboundView(item, live, outboundAt(item.state as unknown as MessageState));
  }
  return inboundView(item, live);
};
