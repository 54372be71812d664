import { logger } from '#commons/logger';
import { pricingModelAt } from '#domain/delivery';
import { sendRefusal } from '#domain/send-rules';
import { utcDay } from '#domain/time';
import { ApiError } from '#http/errors';
import type { SendAnswer, SendMessageDeps } from './send-message';
import type { SendRequest } from './validate-send-request';
import { metaRefusal } from './meta-refusal';

/**
 * A message to a group of Meta's Groups API
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/groups/groups-messaging/).
 * A group is no user: there is no customer service window of it to check (Meta lets a business
 * message a group its participants joined, free-form or template), no consent or pair rate of a
 * user, and no contact to record the message under, so it is handed to Meta and answered; its
 * statuses (which name the group and the participant) are kept as those of a message another tool
 * sent. A template must still be registered, approved and given its parameters; the number's
 * throughput still applies. The estimate is per message to one participant, at the market of none
 * (Meta bills group messages per message, like the Cloud API's).
 */
export const sendToGroup = async (
  deps: SendMessageDeps,
  request: SendRequest,
  phoneNumberId: string,
): Promise<SendAnswer> => {
  const now = deps.clock();
  const template = request.template
    ? await deps.stores.templates.readTemplate(request.template.name, request.template.language)
    : undefined;
  const refusal = sendRefusal({
    kind: request.kind,
    windowOpen: true,
    ...(request.template ? { requested: request.template } : {}),
    ...(template ? { template } : {}),
  });
  if (refusal) throw new ApiError(refusal.status, refusal.code, refusal.message);
  const slot = await deps.stores.pacing.takeNumberSlot(phoneNumberId, now, deps.pacing.messagesPerSecond);
  if (!slot.allowed) {
    throw new ApiError(
      429,
      'NUMBER_RATE_LIMITED',
      `This business number is at its limit of ${deps.pacing.messagesPerSecond} messages per second; retry after ${slot.retryAfter} s.`,
      { 'retry-after': String(slot.retryAfter) },
    );
  }
  const sent = await deps.graph.sendMessage(phoneNumberId, request.graphBody);
  if (!sent.ok) {
    logger.warn('Meta refused a group send', { code: sent.code, httpStatus: sent.httpStatus });
    throw metaRefusal(sent);
  }
  const category = template?.category ?? 'service';
  const pricingModel = pricingModelAt(now);
  return {
    id: sent.wamid,
    status: 'accepted',
    window: { open: false, expiresAt: null },
    billing: {
      opensConversation: false,
      category,
      pricingModel,
      estimatedCost: deps.estimate({
        day: utcDay(now),
        country: deps.countryOf({}),
        category,
        pricingModel,
        pricingType: 'regular',
        opensConversation: false,
      }),
    },
  };
};
