import { isFreeInsideWindow, type ConversationState } from '#domain/conversation';
import type { DeliveryDecision } from '#domain/delivery';
import { deliveredAt, type MessageState } from '#domain/message-state';
import { ENTRY_POINT_SECONDS, WINDOW_SECONDS } from '#domain/platform';
import { factsOfWindow, windowFromHistory, windowOpenAt } from '#domain/window';
import type { ContactState } from '#store/contact-store';
import type { ContactHistory, MessageLedger } from '#store/message-ledger';

/** What a delivery's decision reads: the contact's window and conversations. */
export type DecisionContextOf = Pick<ContactState, 'window' | 'conversations'>;

/** Whether our own classification depends on the window: a utility template, a service reply, a message of unknown kind. */
const windowDecidesPrice = (state: MessageState): boolean => {
  const ours = state.templateCategory ?? (state.kind === 'free-form' ? 'service' : undefined);
  return ours === undefined || isFreeInsideWindow(ours, true);
};

/**
 * What DynamoDB's TTL may have taken from the contact's partition that a late delivery's decision
 * needs, read back from the history index (kept for the retention, past Meta's retry horizon):
 *
 * - the window at the delivery (the window item expires 24 h after the user's last message): the
 *   user messages that put the delivery inside it, a referral that makes it a free entry point, a
 *   131047 refusal that had closed it. Meta prices a message by the window at its delivery
 *   (https://developers.facebook.com/docs/whatsapp/pricing), and a reply within 24 h of a user's
 *   message from an ad opens a free entry point
 *   (https://developers.facebook.com/docs/whatsapp/pricing, free entry point conversations);
 * - the conversations other deliveries opened around it (a conversation item expires with the
 *   conversation, and its slot goes to the next one): Meta bills one conversation per 24 h of a
 *   category however late we learn of its messages
 *   (https://developers.facebook.com/docs/whatsapp/pricing/conversation-based-pricing).
 *
 * Read only when the partition cannot answer: a delivery that would open our own conversation, or
 * one judged outside the window where the window decides its price. Both parts come from one Query
 * of the index when both are needed.
 */
export const withHistory = async (
  stores: { messages: Pick<MessageLedger, 'readHistory'> },
  state: MessageState,
  contactIds: readonly string[],
  context: ContactState,
  decide: (context: DecisionContextOf) => DeliveryDecision | undefined,
): Promise<{ context: DecisionContextOf; decision: DeliveryDecision | undefined }> => {
  const at = deliveredAt(state);
  let decisionContext: DecisionContextOf = context;
  let decision = decide(decisionContext);
  if (at === undefined || decision === undefined) return { context: decisionContext, decision };
  const ownOpening = (d: DeliveryDecision | undefined) =>
    d?.opensConversation === true && state.metaConversation === undefined;
  const needsWindow = !decision.inWindow && (windowDecidesPrice(state) || ownOpening(decision));
  if (!needsWindow && !ownOpening(decision)) return { context: decisionContext, decision };

  const read = async (withDeliveries: boolean): Promise<ContactHistory> => {
    const histories = await Promise.all(
      contactIds.map((contactId) =>
        stores.messages.readHistory(
          { phoneNumberId: state.phoneNumberId, contactId },
          {
            window: { from: at - WINDOW_SECONDS, to: at },
            ...(withDeliveries ? { deliveries: { from: at - ENTRY_POINT_SECONDS, to: at + ENTRY_POINT_SECONDS } } : {}),
          },
        ),
      ),
    );
    return {
      windowFacts: histories.flatMap((history) => history.windowFacts),
      deliveries: histories.flatMap((history) => history.deliveries),
    };
  };
  const readDeliveries = ownOpening(decision);
  let history = await read(readDeliveries);

  if (needsWindow) {
    const window = windowFromHistory([...history.windowFacts, ...factsOfWindow(context.window)], at);
    if (windowOpenAt(window, at)) {
      decisionContext = { ...decisionContext, window };
      decision = decide(decisionContext);
    }
  }
  if (ownOpening(decision)) {
    // The window just read made it open one (a free entry point): its deliveries, read once more.
    if (!readDeliveries) history = await read(true);
    const known = new Set(decisionContext.conversations.map((c) => c.id));
    const found: ConversationState[] = [];
    for (const delivery of history.deliveries) {
      const c = delivery.conversation;
      if (delivery.wamid === state.id || !c || known.has(c.id)) continue;
      known.add(c.id);
      const { unit: _unit, ...conversation } = c;
      found.push(conversation);
    }
    if (found.length > 0) {
      decisionContext = { ...decisionContext, conversations: [...decisionContext.conversations, ...found] };
      decision = decide(decisionContext);
    }
  }
  return { context: decisionContext, decision };
};
