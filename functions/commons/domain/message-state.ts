import type { DeliveryStatus, MetaConversation, MetaError, MetaPricing, StatusEvent } from '#webhook/events';
import type { ConversationState } from './conversation';
import type { UserIds } from './identity';
import type { WindowState } from './window';
import type { EpochSeconds } from './time';

/** What the engine knows about one business message, folded from its statuses in whatever order they came. */
export interface MessageState {
  id: string;
  phoneNumberId: string;
  contactId: string;
  user: UserIds;
  /**
   * `api`: sent through our send API; `external`: known only from its statuses (another tool on the number);
   * `business-app`: sent from the WhatsApp Business app on a coexistence number, known from Meta's echo
   */
  source: 'api' | 'external' | 'business-app';
  kind: 'template' | 'free-form' | 'unknown';
  templateName?: string;
  /** the template's category when it was sent: Meta bills the category at send time */
  templateCategory?: string;
  /** earliest timestamp seen for each status */
  statusAt: Partial<Record<DeliveryStatus, EpochSeconds>>;
  errorCodes: number[];
  /** Meta's pricing, from the highest-ranked status that carried one */
  metaPricing?: MetaPricing & { fromStatus: DeliveryStatus };
  /** Meta's conversation object (≤ v23 and free entry points), merged across statuses */
  metaConversation?: MetaConversation;
  /** when the send API handed the message to Meta (our clock); absent for messages other tools sent */
  sentAt?: EpochSeconds;
  /** the same instant in milliseconds: orders messages of one second in the history */
  sentAtMs?: number;
  /** what the send API sent: `type` and that type's object as in Meta's send body (kept for the retention period) */
  content?: { type: string } & Record<string, unknown>;
  /**
   * What the send saw when the message was handed to Meta and it would join an open conversation:
   * the window (and its revision; none: no window item) and that conversation. Its delivery checks
   * both unchanged in its own transaction instead of reading the contact's partition again.
   */
  expected?: { window?: WindowState; windowRev?: number; conversation: ConversationState };
}

/** The order of progress; read and played both imply delivered. */
const RANK: Record<Exclude<DeliveryStatus, 'failed'>, number> = { sent: 1, delivered: 2, read: 3, played: 3 };
const rankOf = (status: DeliveryStatus): number => (status === 'failed' ? 0 : RANK[status]);

/** The status to show: never backwards, a failure is kept, and played wins over read when both came. */
export const currentStatus = (state: Pick<MessageState, 'statusAt'>): DeliveryStatus | undefined => {
  const at = state.statusAt;
  if (at.failed !== undefined) return 'failed';
  if (at.played !== undefined) return 'played';
  if (at.read !== undefined) return 'read';
  if (at.delivered !== undefined) return 'delivered';
  if (at.sent !== undefined) return 'sent';
  return undefined;
};

/** When the message reached the user: its delivered status, or a read/played that came without one. */
export const deliveredAt = (state: Pick<MessageState, 'statusAt'>): EpochSeconds | undefined => {
  const times = [state.statusAt.delivered, state.statusAt.read, state.statusAt.played].filter(
    (t): t is number => t !== undefined,
  );
  return times.length > 0 ? Math.min(...times) : undefined;
};

const earliest = (a: EpochSeconds | undefined, b: EpochSeconds): EpochSeconds => (a === undefined ? b : Math.min(a, b));

const mergeConversation = (
  current: MetaConversation | undefined,
  next: MetaConversation | undefined,
): MetaConversation | undefined => {
  if (!next) return current;
  if (!current) return { ...next };
  return {
    // Different ids for one message are not expected; the smaller wins so that order does not matter.
    id: current.id <= next.id ? current.id : next.id,
    ...((current.category ?? next.category) ? { category: current.category ?? next.category } : {}),
    ...((current.expiresAt ?? next.expiresAt) ? { expiresAt: current.expiresAt ?? next.expiresAt } : {}),
  };
};

const errorCodesOf = (errors: MetaError[]): number[] => errors.map((error) => error.code);

/**
 * Folds one status into the message. Commutative and idempotent: the same statuses in any order,
 * any number of times, give the same state.
 */
export const applyStatus = (state: MessageState, status: StatusEvent): MessageState => {
  const statusAt = { ...state.statusAt, [status.status]: earliest(state.statusAt[status.status], status.timestamp) };
  const errorCodes = [...new Set([...state.errorCodes, ...errorCodesOf(status.errors)])].sort((a, b) => a - b);
  let metaPricing = state.metaPricing;
  if (status.pricing && Object.keys(status.pricing).length > 0) {
    const stronger =
      !metaPricing ||
      rankOf(status.status) > rankOf(metaPricing.fromStatus) ||
      (rankOf(status.status) === rankOf(metaPricing.fromStatus) && status.status > metaPricing.fromStatus);
    if (stronger) metaPricing = { ...status.pricing, fromStatus: status.status };
  }
  const metaConversation = mergeConversation(state.metaConversation, status.conversation);
  return {
    ...state,
    statusAt,
    errorCodes,
    ...(metaPricing ? { metaPricing } : {}),
    ...(metaConversation ? { metaConversation } : {}),
  };
};
