import { mayTakeSlot } from '#domain/conversation';
import { decideDelivery, effectChanges, sameConversation, sameUnit, targetEffects } from '#domain/delivery';
import { applyStatus, deliveredAt, type MessageState } from '#domain/message-state';
import { MetaError } from '#domain/platform';
import type { EpochSeconds } from '#domain/time';
import type { ContactState, ContactStore } from '#store/contact-store';
import type { MessageLedger, StoredMessage } from '#store/message-ledger';
import type { StatusEvent } from '#webhook/events';
import { logger } from '#commons/logger';

/** What folding a message needs: the contact it belongs to (and its partition), and the ledger. */
export interface MessageStores {
  contacts: Pick<ContactStore, 'resolveContact' | 'readContactState' | 'closeWindow'>;
  messages: MessageLedger;
}

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
  sameUnit(before.appliedEffects.messageUnit, after.appliedEffects.messageUnit) &&
  sameUnit(before.appliedEffects.classificationDifference, after.appliedEffects.classificationDifference) &&
  sameConversation(before.appliedEffects.conversation, after.appliedEffects.conversation);

/** A message sent by another tool on the same number: known only from its statuses, kept all the same. */
const externalMessage = async (stores: MessageStores, status: StatusEvent): Promise<StoredMessage> => {
  const contact = await stores.contacts.resolveContact(status.origin.phoneNumberId, status.user);
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
  return { state, appliedEffects: {}, version: 0 };
};

/**
 * Applies `fold` to one business message and brings the conversation and billing items in line,
 * in one conditional write (or one transaction when units or a conversation change). A fold that
 * changes nothing writes nothing; concurrent writers re-read and retry; a retry by Meta after a
 * failure completes the work. Statuses and the send API's own record of a message both go through here,
 * in whichever order they arrive. `bootstrap` makes the message when none is stored, or answers
 * undefined when there is nothing to fold into (counted already): then nothing is written. Given
 * `now`, a record expired at that instant counts as gone, as it will be once DynamoDB's TTL deletes it.
 */
export const updateMessage = async (
  stores: MessageStores,
  messageId: string,
  bootstrap: () => Promise<StoredMessage | undefined>,
  fold: (state: MessageState) => MessageState,
  retainUntil: EpochSeconds,
  now?: EpochSeconds,
): Promise<'recorded' | 'duplicate'> => {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await stores.messages.readMessage(messageId, now);
    const before = stored ?? (await bootstrap());
    if (!before) return 'duplicate';
    const state = fold(before.state);
    let decision = before.decision;
    let context: ContactState | undefined;
    if (decision === undefined && deliveredAt(state) !== undefined) {
      context = await stores.contacts.readContactState(state.phoneNumberId, state.contactId);
      decision = decideDelivery(state, context);
    }
    const target = targetEffects(state, decision);
    const after: StoredMessage = {
      state,
      ...(decision ? { decision } : {}),
      appliedEffects: target,
      version: before.version + 1,
    };
    if (stored && unchanged(stored, after)) return 'duplicate';
    const changes = effectChanges(before.appliedEffects, target);
    let writeConversationItem = true;
    if (changes.conversation) {
      context ??= await stores.contacts.readContactState(state.phoneNumberId, state.contactId);
      const { record, replaces } = changes.conversation;
      const slot = context.conversations.find((c) => c.category === record.category);
      // A newer conversation in the slot means ours is history: keep its ledger and units, not the slot.
      writeConversationItem = mayTakeSlot(slot, record, replaces?.id);
    }
    const result = await stores.messages.commitMessage({
      ...(stored ? { previousVersion: stored.version } : {}),
      message: after,
      changes,
      writeConversationItem,
      retainUntil,
      ...(now !== undefined ? { now } : {}),
    });
    if (result === 'committed') return 'recorded';
    if (result === 'contention') await backoff(attempt);
  }
  throw new ContentionError(`message could not be updated after ${MAX_ATTEMPTS} attempts`);
};

/**
 * Folds the statuses of one message (all those of one POST at once) into it. A status that finds no
 * live message record but the message's counted-units record (a late read, a delivery Meta repeats
 * after the record expired) counts nothing and writes nothing: its units were counted already.
 */
export const recordStatuses = async (
  stores: MessageStores,
  statuses: readonly [StatusEvent, ...StatusEvent[]],
  retainUntil: EpochSeconds,
  now: EpochSeconds,
): Promise<'recorded' | 'duplicate'> => {
  const [first] = statuses;
  for (const status of statuses) {
    if (status.status === 'failed' && status.errors.some((error) => error.code === MetaError.outsideWindow)) {
      // Before the message write, so a retry after a failure in between still closes the window.
      const contact = await stores.contacts.resolveContact(status.origin.phoneNumberId, status.user);
      await stores.contacts.closeWindow(contact, status.timestamp);
    }
  }
  return updateMessage(
    stores,
    first.messageId,
    async () => {
      if (await stores.messages.readCountedUnits(first.messageId, now)) {
        logger.info('status of a message whose record expired after its units were counted: nothing counted', {
          status: first.status,
        });
        return undefined;
      }
      return externalMessage(stores, first);
    },
    (state) => statuses.reduce(applyStatus, state),
    retainUntil,
    now,
  );
};
