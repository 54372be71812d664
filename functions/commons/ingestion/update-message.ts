import { decideDelivery, desiredEffects, planEffects, sameConversation, sameUnit } from '#domain/delivery';
import { applyStatus, deliveredAt, OUTSIDE_WINDOW_ERROR, type MessageState } from '#domain/message-state';
import type { StatusEvent } from '#webhook/events';
import type { ContactState, StoredMessage, WebhookStore } from '#store/webhook-store';
import type { EpochSeconds } from '#domain/time';

/** Too many concurrent writers on one message: Meta must redeliver, so this answers 5xx like a storage failure. */
export class ContentionError extends Error {
  override name = 'ContentionError';
}

/** Optimistic retries when concurrent deliveries touch the same message, conversation or aggregate cell. */
const MAX_ATTEMPTS = 8;

const backoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(10 * 2 ** attempt, 200)));

const unchanged = (before: StoredMessage, after: StoredMessage): boolean =>
  JSON.stringify(before.state) === JSON.stringify(after.state) &&
  JSON.stringify(before.decision) === JSON.stringify(after.decision) &&
  sameUnit(before.held.messageUnit, after.held.messageUnit) &&
  sameUnit(before.held.classificationDifference, after.held.classificationDifference) &&
  sameConversation(before.held.conversation, after.held.conversation);

/** A message sent by another tool on the same number: known only from its statuses, kept all the same. */
const externalMessage = async (store: WebhookStore, status: StatusEvent): Promise<StoredMessage> => {
  const contact = await store.resolveContact(status.origin.phoneNumberId, status.user);
  const state: MessageState = {
    id: status.messageId,
    phoneNumberId: status.origin.phoneNumberId,
    contactId: contact.contactId,
    user: contact.ids,
    source: 'external',
    kind: 'unknown',
    statusAt: {},
    errorCodes: [],
  };
  return { state, held: {}, version: 0 };
};

/**
 * Applies `fold` to one business message and brings the conversation and billing items in line,
 * in one conditional write (or one transaction when units or a conversation change). A fold that
 * changes nothing writes nothing; concurrent writers re-read and retry; a retry by Meta after a
 * failure completes the work. Statuses and the send API's own record of a message both go through here,
 * in whichever order they arrive.
 */
export const updateMessage = async (
  store: WebhookStore,
  messageId: string,
  bootstrap: () => Promise<StoredMessage>,
  fold: (state: MessageState) => MessageState,
  retainUntil: EpochSeconds,
): Promise<'recorded' | 'duplicate'> => {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await store.readMessage(messageId);
    const before = stored ?? (await bootstrap());
    const state = fold(before.state);
    let decision = before.decision;
    let context: ContactState | undefined;
    if (decision === undefined && deliveredAt(state) !== undefined) {
      context = await store.readContactState(state.phoneNumberId, state.contactId);
      decision = decideDelivery(state, context);
    }
    const wanted = desiredEffects(state, decision);
    const after: StoredMessage = {
      state,
      ...(decision ? { decision } : {}),
      held: wanted,
      version: before.version + 1,
    };
    if (stored && unchanged(stored, after)) return 'duplicate';
    const plan = planEffects(before.held, wanted);
    let writeConversationItem = true;
    if (plan.conversation) {
      context ??= await store.readContactState(state.phoneNumberId, state.contactId);
      const { record, replaces } = plan.conversation;
      const slot = context.conversations.find((c) => c.category === record.category);
      // A newer conversation in the slot means ours is history: keep its ledger and units, not the slot.
      writeConversationItem =
        !slot || slot.id === record.id || slot.id === replaces?.id || slot.expiresAt <= record.openedAt;
    }
    const result = await store.commitMessage({
      ...(stored ? { previousVersion: stored.version } : {}),
      message: after,
      plan,
      writeConversationItem,
      retainUntil,
    });
    if (result === 'committed') return 'recorded';
    if (result === 'contention') await backoff(attempt);
  }
  throw new ContentionError(`message could not be updated after ${MAX_ATTEMPTS} attempts`);
};

/** Folds the statuses of one message (all those of one POST at once) into it. */
export const recordStatuses = async (
  store: WebhookStore,
  statuses: readonly [StatusEvent, ...StatusEvent[]],
  retainUntil: EpochSeconds,
): Promise<'recorded' | 'duplicate'> => {
  const [first] = statuses;
  for (const status of statuses) {
    if (status.status === 'failed' && status.errors.some((error) => error.code === OUTSIDE_WINDOW_ERROR)) {
      // Before the message write, so a retry after a failure in between still closes the window.
      const contact = await store.resolveContact(status.origin.phoneNumberId, status.user);
      await store.closeWindow(contact, status.timestamp);
    }
  }
  return updateMessage(
    store,
    first.messageId,
    () => externalMessage(store, first),
    (state) => statuses.reduce(applyStatus, state),
    retainUntil,
  );
};
