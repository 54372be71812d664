import type { MessageState } from '#domain/message-state';
import type { EpochSeconds } from '#domain/time';
import { updateMessage, type MessageStores } from '#ingestion/update-message';
import type { ContactRef } from '#store/contact-store';

/** What the send API knows of a message Meta accepted. */
export interface SentMessage {
  id: string;
  /** `api` (the default): our send API; `business-app`: Meta's echo of a message sent from the WhatsApp Business app */
  source?: 'api' | 'business-app';
  /** Meta's time of the message when Meta itself reported it sent (an echo): its `sent` status */
  sentStatusAt?: EpochSeconds;
  contact: ContactRef;
  kind: 'template' | 'free-form';
  templateName?: string;
  /** the template's category at send time: Meta bills that one */
  templateCategory?: string;
  /** when Meta accepted it, and what was sent: the history route shows both */
  sentAt?: EpochSeconds;
  sentAtMs?: number;
  content?: MessageState['content'];
  /** the window and the open conversation the send expects the delivery to join */
  expected?: MessageState['expected'];
}

const withApiInfo = (state: MessageState, message: SentMessage): MessageState => ({
  ...state,
  source: message.source ?? 'api',
  kind: message.kind,
  ...(message.sentStatusAt === undefined
    ? {}
    : { statusAt: { ...state.statusAt, sent: Math.min(state.statusAt.sent ?? Infinity, message.sentStatusAt) } }),
  ...(message.templateName ? { templateName: message.templateName } : {}),
  ...(message.templateCategory ? { templateCategory: message.templateCategory } : {}),
  ...(message.sentAt !== undefined ? { sentAt: message.sentAt } : {}),
  ...(message.sentAtMs !== undefined ? { sentAtMs: message.sentAtMs } : {}),
  ...(message.content ? { content: message.content } : {}),
  ...(message.expected ? { expected: message.expected } : {}),
  user: { ...message.contact.ids, ...state.user },
});

/**
 * Records a message the send API handed to Meta, through the same fold as its statuses. Meta's
 * first statuses may already have arrived (the webhook is fast), in which case the send's
 * information is folded into what they made, and a classification that changes moves the units
 * instead of counting them again.
 */
export const recordSentMessage = (
  stores: MessageStores,
  message: SentMessage,
  retainUntil: EpochSeconds,
): Promise<'recorded' | 'duplicate'> =>
  updateMessage(
    stores,
    message.id,
    async () => ({
      state: {
        id: message.id,
        phoneNumberId: message.contact.phoneNumberId,
        contactId: message.contact.contactId,
        user: message.contact.ids,
        source: message.source ?? 'api',
        kind: message.kind,
        statusAt: {},
        errorCodes: [],
      },
      appliedEffects: {},
      version: 0,
    }),
    (state) => withApiInfo(state, message),
    retainUntil,
  );
