/**
 * Test support: one outbound message to one Brazilian user and the status events Meta sends for it, so the
 * domain tests build the same message the same way and state only what their case is about.
 */
import type { DeliveryStatus, MetaConversation, MetaError, MetaPricing, StatusEvent } from '../webhook/events';
import type { MessageState } from '../domain/message-state';

const messageId = 'wamid.1';
const phoneNumberId = 'pn-1';
const waId = '5511987654321';

const sentThroughTheApi = () =>
  ({ id: messageId, phoneNumberId, contactId: `${phoneNumberId}#${waId}`, user: { waId }, source: 'api' }) as const;

/** A utility template sent through the send API, before any status (override `statusAt` to deliver it). */
export const templateMessage = (overrides: Partial<MessageState> = {}): MessageState => ({
  ...sentThroughTheApi(),
  kind: 'template',
  templateName: 'order_update',
  templateCategory: 'utility',
  statusAt: {},
  errorCodes: [],
  ...overrides,
});

/** A free-form message sent through the send API, before any status. */
export const freeFormMessage = (overrides: Partial<MessageState> = {}): MessageState => ({
  ...sentThroughTheApi(),
  kind: 'free-form',
  statusAt: {},
  errorCodes: [],
  ...overrides,
});

/** Meta's status event for that message. */
export const statusEvent = (
  status: DeliveryStatus,
  timestamp: number,
  extra: { pricing?: MetaPricing; conversation?: MetaConversation; errors?: MetaError[] } = {},
): StatusEvent => ({
  kind: 'status',
  origin: { wabaId: 'waba-1', phoneNumberId },
  messageId,
  status,
  timestamp,
  user: { waId },
  errors: extra.errors ?? [],
  raw: {},
  ...(extra.pricing ? { pricing: extra.pricing } : {}),
  ...(extra.conversation ? { conversation: extra.conversation } : {}),
});
