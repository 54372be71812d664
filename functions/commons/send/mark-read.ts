import { logger } from '#commons/logger';
import { readReceiptRefusal } from '#domain/send-rules';
import type { Clock } from '#domain/time';
import type { GraphClient } from '#graph/graph-client';
import { ApiError } from '#http/errors';
import type { InboundReceipts } from '#store/inbound-receipts';
import type { ReadRequest } from './validate-send-request';
import { metaRefusal } from './meta-refusal';

export interface MarkReadDeps {
  stores: { receipts: InboundReceipts };
  graph: GraphClient;
  clock: Clock;
}

export interface ReadAnswer {
  success: true;
  messageId: string;
  readAt: number;
  typing: boolean;
}

/**
 * Meta's mark-as-read (and typing indicator) for a user's message: checked against Meta's own rules
 * only (the user's message, at most 30 days old), handed to Meta, then recorded on the message.
 */
export const markMessageRead = async (
  deps: MarkReadDeps,
  request: ReadRequest,
  phoneNumberId: string,
): Promise<ReadAnswer> => {
  const now = deps.clock();
  const message = await deps.stores.receipts.readInbound(request.messageId);
  const refusal = readReceiptRefusal(message, phoneNumberId, now);
  if (refusal) throw new ApiError(refusal.status, refusal.code, refusal.message);

  const marked = await deps.graph.markRead(phoneNumberId, request.graphBody);
  if (!marked.ok) {
    logger.warn('Meta refused a read receipt', { code: marked.code, httpStatus: marked.httpStatus });
    throw metaRefusal(marked);
  }
  await deps.stores.receipts.recordRead(request.messageId, now, request.typing);
  return { success: true, messageId: request.messageId, readAt: now, typing: request.typing };
};
