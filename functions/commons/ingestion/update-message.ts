import { mayTakeSlot, supersedes } from '#domain/conversation';
import {
  decideDelivery,
  effectChanges,
  needsDecision,
  openerOfOwnConversation,
  sameConversation,
  sameUnit,
  targetEffects,
  type ConversationRecord,
  type DeliveryDecision,
} from '#domain/delivery';
import { applyStatus, type MessageState } from '#domain/message-state';
import { MetaError } from '#domain/platform';
import type { EpochSeconds } from '#domain/time';
import type { ContactState, ContactStore } from '#store/contact-store';
import type { CommitInput, MessageLedger, StoredMessage, SupersededOpener } from '#store/message-ledger';
import type { StatusEvent } from '#webhook/events';
import { logger } from '#commons/logger';
import { withHistory, type DecisionContextOf } from './decision-history';

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

export interface UpdateOptions {
  /** a user message arrived that may put the delivery inside the window: judge it again if it was outside */
  rejudge?: boolean;
  /** the conversation this message joined was withdrawn or superseded: decide again if it joined that one */
  rejoin?: string;
  /** the clock of the reads: a record expired at this instant is treated as gone */
  now?: EpochSeconds;
}

/**
 * The openers of conversations ours supersedes (domain/conversation.ts supersedes): each as it should
 * be stored once it joins ours. Only our own conversations (Meta's ids are Meta's to decide).
 */
const supersededOpeners = async (
  stores: MessageStores,
  record: ConversationRecord,
  context: DecisionContextOf,
): Promise<SupersededOpener[]> => {
  const found: SupersededOpener[] = [];
  for (const other of context.conversations) {
    const openerId = openerOfOwnConversation(other);
    if (openerId === undefined || !supersedes(record, other)) continue;
    const opener = await stores.messages.readMessage(openerId).catch(() => undefined);
    const held = opener?.appliedEffects.conversation;
    if (!opener?.decision || held?.id !== other.id) continue;
    const { conversation: _superseded, ...rest } = opener.appliedEffects;
    found.push({
      message: {
        ...opener,
        decision: { ...opener.decision, opensConversation: false, joinedConversationId: record.id },
        appliedEffects: rest,
        version: opener.version + 1,
      },
      previousVersion: opener.version,
      conversation: held,
      deleteSlot: other.category !== record.category,
    });
  }
  return found;
};

/** Whether to take the decision again on this attempt (domain/delivery.ts needsDecision, plus what the attempt learnt). */
const redecide = (
  state: MessageState,
  decision: DeliveryDecision | undefined,
  options: UpdateOptions,
  countedElsewhere: ReadonlySet<string>,
): boolean =>
  needsDecision(state, decision) ||
  (decision !== undefined && options.rejudge === true && !decision.inWindow) ||
  (decision !== undefined && options.rejoin !== undefined && decision.joinedConversationId === options.rejoin) ||
  (decision?.opensConversation === true &&
    decision.metaConversationId !== undefined &&
    countedElsewhere.has(decision.metaConversationId));

/**
 * Applies `fold` to one business message and brings the conversation and billing items in line,
 * in one conditional write (or one transaction when units or a conversation change). A fold that
 * changes nothing writes nothing; concurrent writers re-read and retry; a retry by Meta after a
 * failure completes the work. Statuses and the send API's own record of a message both go through here,
 * in whichever order they arrive, and the decision is taken again whenever a later one changes its
 * inputs, the effects moving from what the table holds to what they should be.
 * `bootstrap` makes the message when none is stored, or answers undefined when there is nothing to
 * fold into (counted already): then nothing is written. Given `options.now`, a record expired at that
 * instant counts as gone, as it will be once DynamoDB's TTL deletes it.
 */
export const updateMessage = async (
  stores: MessageStores,
  messageId: string,
  bootstrap: () => Promise<StoredMessage | undefined>,
  fold: (state: MessageState) => MessageState,
  retainUntil: EpochSeconds,
  options: UpdateOptions = {},
): Promise<'recorded' | 'duplicate'> => {
  // Meta conversation ids whose ledger entry another message wrote: this one joins them.
  const countedElsewhere = new Set<string>();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const { now } = options;
    const stored = await stores.messages.readMessage(messageId, now);
    const before = stored ?? (await bootstrap());
    if (!before) return 'duplicate';
    let state = fold(before.state);
    let decision = before.decision;
    let context: ContactState | undefined;
    /** the partition plus what the history index gave back (withHistory): what the decision saw */
    let seen: DecisionContextOf | undefined;
    const readContext = async (): Promise<ContactState> => {
      const read = await stores.contacts.readContactState(state.phoneNumberId, state.contactId);
      // The contact was merged into another of the same user: the message's effects live there now.
      if (read.movedTo !== undefined) state = { ...state, contactId: read.movedTo };
      return read;
    };
    let checks: CommitInput['checks'];
    if (redecide(state, decision, options, countedElsewhere)) {
      // The first delivery of a send that expected to join a conversation: decided from what the send
      // saw, checked unchanged in the transaction (no read of the partition); any doubt takes the full path.
      const expected = state.expected;
      if (attempt === 0 && decision === undefined && expected && state.metaConversation === undefined) {
        const seen = {
          ...(expected.window ? { window: expected.window } : {}),
          conversations: [expected.conversation],
        };
        const tentative = decideDelivery(state, seen);
        if (tentative?.joinedConversationId === expected.conversation.id && !tentative.entryPoint) {
          decision = tentative;
          checks = {
            category: expected.conversation.category,
            conversationId: expected.conversation.id,
            ...(expected.windowRev !== undefined ? { windowRev: expected.windowRev } : {}),
          };
        }
      }
      if (!checks) {
        const recordedUnder = state.contactId;
        context = await readContext();
        const own = before.appliedEffects.conversation?.id;
        const ids = [...new Set([state.contactId, recordedUnder])];
        const current = state;
        ({ context: seen, decision } = await withHistory(stores, current, ids, context, (c) =>
          decideDelivery(current, c, { ...(own ? { own } : {}), countedElsewhere }),
        ));
      }
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
    let withdrawSlot = false;
    let superseded: SupersededOpener[] = [];
    if (changes.conversation || changes.withdrawn) {
      context ??= await readContext();
      const slotOf = (category: string) => context?.conversations.find((c) => c.category === category);
      if (changes.conversation) {
        const { record, replaces } = changes.conversation;
        if (!replaces && state.metaConversation === undefined) {
          superseded = await supersededOpeners(stores, record, seen ?? context);
        }
        const takesOver = replaces?.id ?? superseded.find((s) => !s.deleteSlot)?.conversation.id;
        // A newer conversation in the slot means ours is history: keep its ledger and units, not the slot.
        writeConversationItem = mayTakeSlot(slotOf(record.category), record, takesOver);
      }
      // A withdrawn conversation leaves its slot only if the slot still holds it.
      if (changes.withdrawn) withdrawSlot = slotOf(changes.withdrawn.category)?.id === changes.withdrawn.id;
    }
    const result = await stores.messages.commitMessage({
      ...(stored ? { previousVersion: stored.version } : {}),
      message: { ...after, state },
      changes,
      writeConversationItem,
      withdrawSlot,
      ...(superseded.length > 0 ? { superseded } : {}),
      ...(checks ? { checks } : {}),
      retainUntil,
      ...(now !== undefined ? { now } : {}),
    });
    if (result === 'committed') {
      // Messages that joined a conversation this commit took away decide again (they may open one now).
      const gone = [...(changes.withdrawn ? [changes.withdrawn] : []), ...superseded.map((s) => s.conversation)];
      for (const conversation of gone) {
        const contact = { phoneNumberId: state.phoneNumberId, contactId: state.contactId };
        const { deliveries: joined } = await stores.messages.readHistory(contact, {
          deliveries: { from: conversation.openedAt, to: conversation.expiresAt },
        });
        const joiners = joined
          .filter((d) => d.wamid !== state.id && d.decision?.joinedConversationId === conversation.id)
          .map((d) => d.wamid);
        await refold(stores, joiners, retainUntil, { rejoin: conversation.id });
      }
      return 'recorded';
    }
    if (result === 'conversation-counted' && changes.conversation) countedElsewhere.add(changes.conversation.record.id);
    if (result === 'contention') await backoff(attempt);
  }
  throw new ContentionError(`message could not be updated after ${MAX_ATTEMPTS} attempts`);
};

class MessageGone extends Error {
  override name = 'MessageGone';
}

/**
 * Folds stored messages again with nothing new, so their decisions follow a fact that reached another
 * item (a late user message, a conversation withdrawn). A message gone meanwhile (retention) is skipped.
 */
export const refold = async (
  stores: MessageStores,
  wamids: readonly string[],
  retainUntil: EpochSeconds,
  options: UpdateOptions,
): Promise<void> => {
  for (const wamid of wamids) {
    try {
      await updateMessage(
        stores,
        wamid,
        async () => {
          throw new MessageGone(wamid);
        },
        (state) => state,
        retainUntil,
        options,
      );
    } catch (error) {
      if (!(error instanceof MessageGone)) throw error;
    }
  }
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
    { now },
  );
};
