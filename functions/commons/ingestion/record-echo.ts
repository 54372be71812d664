import type { EpochSeconds } from '#domain/time';
import { recordSentMessage } from '#send/record-sent-message';
import type { MessageEchoEvent } from '#webhook/events';
import type { MessageStores } from './update-message';

/**
 * A message the business sent from the WhatsApp Business app (Meta's `smb_message_echoes`) is a
 * business message like ours: recorded outbound through the same fold as a send, `sent` at Meta's
 * time, so it shows in the history and its delivery is decided and counted as a send's would be.
 */
export const recordEcho = async (
  stores: MessageStores,
  echo: MessageEchoEvent,
  retainUntil: EpochSeconds,
): Promise<'recorded' | 'duplicate'> => {
  const contact = await stores.contacts.resolveContact(echo.origin.phoneNumberId, echo.user);
  const part = echo.raw[echo.type];
  return recordSentMessage(
    stores,
    {
      id: echo.id,
      source: 'business-app',
      sentStatusAt: echo.timestamp,
      contact,
      kind: echo.type === 'template' ? 'template' : 'free-form',
      sentAt: echo.timestamp,
      content: { type: echo.type, ...(part === undefined ? {} : { [echo.type]: part }) },
    },
    retainUntil,
  );
};
