import type { EpochSeconds } from '#domain/time';
import type { IngestionStores } from '#ingestion/ingest-webhook';
import { recordSentMessage } from '#send/record-sent-message';
import * as payloads from '../fixtures/payloads.ts';
import { uniquePhoneNumberId, uniqueWaId } from './environment.ts';

/** Writes a business message as the send API records it (its own production path). */
export const seedOutboundMessage = async (
  stores: Pick<IngestionStores, 'contacts' | 'messages'>,
  input: { id: string; phoneNumberId: string; waId: string; kind: 'template' | 'free-form'; templateCategory?: string },
  /** when the send route wrote it: its record is kept for the retention from then */
  sentAt: EpochSeconds = 1_900_000_000,
): Promise<void> => {
  const contact = await stores.contacts.resolveContact(input.phoneNumberId, { waId: input.waId });
  await recordSentMessage(
    stores,
    {
      id: input.id,
      contact,
      kind: input.kind,
      ...(input.templateCategory ? { templateCategory: input.templateCategory, templateName: 'seeded' } : {}),
    },
    sentAt,
  );
};

/** A business message the send API recorded: its business number, its user and its wamid. */
export interface SeededMessage {
  phoneNumberId: string;
  waId: string;
  wamid: string;
}

/** A template message of `templateCategory`, recorded for a fresh business number and user unless they are given. */
export const seedTemplateMessage = async (
  stores: Pick<IngestionStores, 'contacts' | 'messages'>,
  templateCategory: string,
  ids: { phoneNumberId?: string; waId?: string } = {},
): Promise<SeededMessage> => {
  const message = {
    phoneNumberId: ids.phoneNumberId ?? uniquePhoneNumberId(),
    waId: ids.waId ?? uniqueWaId(),
    wamid: payloads.wamid(),
  };
  await seedOutboundMessage(stores, { ...message, id: message.wamid, kind: 'template', templateCategory });
  return message;
};

/** Meta's status webhook of one business number. */
export const statusBody = (phoneNumberId: string, statuses: unknown[]): payloads.Json =>
  payloads.webhookBody(payloads.messagesChange({ phoneNumberId, statuses }));

/** One status of a seeded message as Meta posts it: `status` at `timestamp`, to its user, with whatever else is given. */
export const statusOf = (
  message: SeededMessage,
  status: string,
  timestamp: number,
  more: Partial<payloads.StatusInput> = {},
): payloads.Json =>
  statusBody(message.phoneNumberId, [
    payloads.statusUpdate({ id: message.wamid, status, timestamp, recipientId: message.waId, ...more }),
  ]);
