import { logger } from '#commons/logger';
import { maskId } from '#commons/redact';
import { pricingModelAt } from '#domain/delivery';
import type { RateLimit } from '#domain/pacing';
import { isConsentFailure, marketingRefusal, NO_CONSENT_RECORD } from '#domain/consent';
import { FREE_ENTRY_POINT, isFreeInsideWindow, joinedConversation, opensEntryPoint } from '#domain/conversation';
import { MetaError, retentionSeconds } from '#domain/platform';
import { sendRefusal } from '#domain/send-rules';
import { toIso, utcDay, type Clock } from '#domain/time';
import { DEFAULT_INBOUND_SKEW_SECONDS, isWindowOpen } from '#domain/window';
import type { GraphClient } from '#graph/graph-client';
import { ApiError } from '#http/errors';
import type { ConsentStore } from '#store/consent-store';
import type { ContactStore } from '#store/contact-store';
import type { InboundReceipts } from '#store/inbound-receipts';
import type { MessageLedger } from '#store/message-ledger';
import type { PacingStore } from '#store/pacing-store';
import type { TemplateStore } from '#store/template-store';
import { recordSentMessage } from './record-sent-message';
import { sendToGroup } from './send-to-group';
import type { SendRequest } from './validate-send-request';
import { metaRefusal } from './meta-refusal';

/** What a delivery of this send is expected to cost, before Meta says so in its statuses. */
export interface BillingQuestion {
  day: string;
  country: string;
  category: string;
  pricingModel: 'CBP' | 'PMP';
  pricingType: 'regular' | 'free_customer_service' | 'free_entry_point';
  opensConversation: boolean;
}

export interface EstimatedCost {
  amount: number;
  currency: string;
}

/** What a send reads and writes: the contact and its window, templates, pacing, and the sent message. */
export interface SendStores {
  contacts: ContactStore;
  messages: MessageLedger;
  templates: Pick<TemplateStore, 'readTemplate'>;
  pacing: PacingStore;
  /** read receipts on users' messages (POST /messages with `status: read`) */
  receipts: InboundReceipts;
  /** marketing consent learnt from Meta's synchronous 131050/131049 refusals */
  consent: ConsentStore;
}

export interface SendMessageDeps {
  stores: SendStores;
  graph: GraphClient;
  clock: Clock;
  pacing: { messagesPerSecond: number; pair: RateLimit };
  retentionDays: number;
  estimate: (question: BillingQuestion) => EstimatedCost;
  countryOf: (ids: { waId?: string; userId?: string }) => string;
  /** seconds a user message may be stamped ahead of our clock (INBOUND_CLOCK_SKEW_SECONDS) */
  inboundSkewSeconds?: number;
}

export interface SendAnswer {
  id: string;
  status: 'accepted';
  window: { open: boolean; expiresAt: string | null };
  billing: {
    opensConversation: boolean;
    category: string;
    pricingModel: 'CBP' | 'PMP';
    estimatedCost: EstimatedCost;
  };
}

const tooMany = (code: string, retryAfter: number, message: string): ApiError =>
  new ApiError(429, code, message, { 'retry-after': String(retryAfter) });

/**
 * One send, in the order that keeps the caller's promises: refuse what the 24-hour rules forbid,
 * keep within Meta's throughput and pair rate, hand the message to Meta, record it so its statuses
 * attach to it, and answer with the window and what the delivery will cost.
 */
export const sendMessage = async (
  deps: SendMessageDeps,
  request: SendRequest,
  phoneNumberId: string,
): Promise<SendAnswer> => {
  if (request.toKind === 'groupId') return sendToGroup(deps, request, phoneNumberId);
  const now = deps.clock();
  const { stores } = deps;
  const contact = await stores.contacts.resolveContact(
    phoneNumberId,
    request.toKind === 'waId' ? { waId: request.to } : { userId: request.to },
  );
  const [state, template] = await Promise.all([
    stores.contacts.readContactState(phoneNumberId, contact.contactId),
    request.template ? stores.templates.readTemplate(request.template.name, request.template.language) : undefined,
  ]);
  const windowOpen = isWindowOpen(state.window, now, deps.inboundSkewSeconds ?? DEFAULT_INBOUND_SKEW_SECONDS);
  const refusal = sendRefusal({
    kind: request.kind,
    windowOpen,
    ...(request.template ? { requested: request.template } : {}),
    ...(template ? { template } : {}),
  });
  if (refusal) throw new ApiError(refusal.status, refusal.code, refusal.message);
  // A marketing template to a user who stopped them, or within a day of Meta's per-user limit, is a
  // billed failure that hurts the number's quality: refused here instead.
  const held = template ? marketingRefusal(state.consent ?? NO_CONSENT_RECORD, template.category, now) : undefined;
  if (held) {
    const retry: Record<string, string> =
      held.retryAfter === undefined ? {} : { 'retry-after': String(held.retryAfter) };
    throw new ApiError(held.status, held.code, held.message, retry);
  }

  const numberSlot = await stores.pacing.takeNumberSlot(phoneNumberId, now, deps.pacing.messagesPerSecond);
  if (!numberSlot.allowed) {
    throw tooMany(
      'NUMBER_RATE_LIMITED',
      numberSlot.retryAfter,
      `This business number is at its limit of ${deps.pacing.messagesPerSecond} messages per second; ` +
        `retry after ${numberSlot.retryAfter} s.`,
    );
  }
  const pairSlot = await stores.pacing.takePairSlot(phoneNumberId, contact.contactId, now, deps.pacing.pair);
  if (!pairSlot.allowed) {
    throw tooMany(
      'PAIR_RATE_LIMITED',
      pairSlot.retryAfter,
      `Too many messages to this user in a short time (WhatsApp allows about one every ` +
        `${deps.pacing.pair.interval} s after a burst); retry after ${pairSlot.retryAfter} s. Other users are not affected.`,
    );
  }

  const sent = await deps.graph.sendMessage(phoneNumberId, request.graphBody);
  if (!sent.ok) {
    if (sent.code === MetaError.outsideWindow) await stores.contacts.closeWindow(contact, now);
    if (sent.code !== undefined && isConsentFailure(sent.code)) {
      await stores.consent.applyConsent(contact, { kind: 'failure', code: sent.code, at: now });
    }
    logger.warn('Meta refused a send', { code: sent.code, httpStatus: sent.httpStatus, to: maskId(request.to) });
    throw metaRefusal(sent);
  }

  const category = template?.category ?? 'service';
  // A preview of what the delivery will decide (domain/conversation.ts), taken at the send's own time.
  const joined = joinedConversation(category, state.conversations, now);
  try {
    // Meta answers with the user's wa_id, which may differ from the number as written (Brazil,
    // Mexico): both forms become one contact, so the window the user's messages open is found.
    const recipient = sent.waId ? await stores.contacts.linkSentTo(contact, sent.waId) : contact;
    await recordSentMessage(
      stores,
      {
        id: sent.wamid,
        contact: recipient,
        kind: request.kind,
        ...(template ? { templateName: template.name, templateCategory: template.category } : {}),
        sentAt: now,
        sentAtMs: Date.now(),
        content: { type: request.type, [request.type]: request.graphBody[request.type] },
        ...(joined && recipient.contactId === contact.contactId
          ? {
              expected: {
                ...(state.window ? { window: state.window } : {}),
                ...(state.windowRev !== undefined ? { windowRev: state.windowRev } : {}),
                conversation: joined,
              },
            }
          : {}),
      },
      now + retentionSeconds(deps.retentionDays),
    );
  } catch (error) {
    // Meta has the message: answering 5xx would make the caller send it twice. Its statuses will
    // still be stored (with Meta's own pricing); only our template classification is lost.
    logger.error('sent message not recorded', { error: error as Error, to: maskId(request.to) });
  }

  const opens = joined === undefined;
  // Inside a free entry point (Meta's open one, or the user's referral within 24 h) every message is free.
  const entryPoint = joined?.origin === FREE_ENTRY_POINT || (opens && opensEntryPoint(state.window?.referralAt, now));
  const pricingModel = pricingModelAt(now);
  return {
    id: sent.wamid,
    status: 'accepted',
    window: { open: windowOpen, expiresAt: windowOpen && state.window ? toIso(state.window.expiresAt) : null },
    billing: {
      opensConversation: opens,
      category,
      pricingModel,
      estimatedCost: deps.estimate({
        day: utcDay(now),
        country: deps.countryOf(contact.ids),
        category,
        pricingModel,
        pricingType: entryPoint
          ? 'free_entry_point'
          : isFreeInsideWindow(category, windowOpen)
            ? 'free_customer_service'
            : 'regular',
        opensConversation: opens,
      }),
    },
  };
};
