/**
 * Meta's side of the Cloud API, as a model with no HTTP and no timers: who wrote to which business
 * number and when, what was sent, the conversations and pricing Meta would give it, the statuses it
 * would post, the templates it knows, its pricing analytics, and the faults it was told to answer.
 * The clock is injected (epoch seconds), so every rule is tested at the second without waiting.
 *
 * All state is in `MetaState`; the endpoints (endpoints.ts) and the webhook poster (webhooks.ts) only
 * move it over HTTP. A later capability adds its own part to `MetaState` and its own methods here:
 * e.g. media (uploads, and inbound media served by id for 5 minutes) is a map of media ids with
 * their expiry, read with the same clock, and an `InboundContent` of type image/document/...
 */
import { randomBytes } from 'node:crypto';
import { maskId } from '#commons/redact';
import type { UserIds } from '#domain/identity';
import type { Clock, EpochSeconds } from '#domain/time';
import { answerWabaNode, type PricingRate } from './analytics';
import {
  faultFailure,
  invalidSandboxRequest,
  RE_ENGAGEMENT,
  reEngagementRefusal,
  unknownTemplate,
  type Fault,
  type Json,
  type SandboxFaultMode,
} from './errors';
import { accountUpdateWebhook, numberQualityWebhook } from './health';
import {
  contactFields,
  echoItem,
  envelope,
  inboundItem,
  statusItem,
  type InboundContent,
  type SandboxSentMessage,
  type SandboxStatus,
} from './messages';
import { ReadLog } from './reads';
import { SandboxTemplates } from './templates';
import { readSendRequest } from './send-request';
import { createSandboxMedia, type SandboxMedia } from '../sandbox-media.ts';
import { publishedPricing, type SandboxPricingRule } from './rate-card-pricing';
import { conversationFor, noteInbound, Users, windowOpen } from './users';

/** A template's category as the business registered it; undefined: Meta does not know it (132001). */
export type TemplateCategoryLookup = (name: string, language: string) => Promise<string | undefined>;

export interface MetaState {
  users: Users;
  /** every send accepted, in order */
  messages: SandboxSentMessage[];
  /** the answers the next sends get instead of being accepted */
  faults: Fault[];
  /** media files by id (users' and uploads), their five-minute URLs and media faults (sandbox-media.ts) */
  media: SandboxMedia;
  /** mark-as-read calls (reads.ts) */
  reads: ReadLog;
  /** the WABA's templates, for Meta's template list (templates.ts) */
  templates: SandboxTemplates;
}

export interface MetaModelOptions {
  clock: Clock;
  wabaId: string;
  /** `metadata.display_phone_number`, and `phone_number` in pricing analytics */
  displayPhoneNumber: string;
  /** how a free-form send outside the window fails: a `failed` status after 200 (as Meta today), or 400 at once */
  outsideWindow: 'failed-status' | 'reject';
  /** unset: every template is known, as utility */
  templateCategory?: TemplateCategoryLookup;
  pricingRate?: PricingRate;
  /** the statuses' `pricing`; default Meta's published rule (rate-card-pricing.ts) */
  pricing?: SandboxPricingRule;
  /** called after a change to the users (a user wrote, a send opened a conversation): the state file saves them */
  onUsersChanged?: () => void;
  /** the media part of the state; unset: one that accepts no access token (tests without media) */
  media?: SandboxMedia;
  log: (entry: Record<string, unknown>) => void;
}

export const MAX_FAULTS = 10_000;

const freshWamid = (): string => `wamid.HBgL${randomBytes(24).toString('hex').toUpperCase()}`;
const freshId = (): string => randomBytes(16).toString('hex');

export class MetaModel {
  readonly state: MetaState;

  constructor(private readonly options: MetaModelOptions) {
    this.state = {
      users: new Users(),
      messages: [],
      faults: [],
      media:
        options.media ??
        createSandboxMedia({ accessToken: '', baseUrl: () => 'http://sandbox', now: () => options.clock() * 1000 }),
      reads: new ReadLog(),
      templates: new SandboxTemplates(),
    };
  }

  /** A user message's media part from the sandbox call (base64 file), undefined for text, or why it is refused. */
  userMedia(body: Json): Json | { error: string } | undefined {
    return this.state.media.inboundContent(body);
  }

  // --- faults ----------------------------------------------------------------------------------------

  /** Room left in the fault queue. */
  faultRoom(): number {
    return MAX_FAULTS - this.state.faults.length;
  }

  /** The next `count` sends fail in that mode (after any faults already queued). */
  queueFaults(mode: SandboxFaultMode, count = 1, retryAfterSeconds?: number): void {
    for (let i = 0; i < count; i += 1) {
      this.state.faults.push(retryAfterSeconds === undefined ? { mode } : { mode, retryAfterSeconds });
    }
    this.options.log({ message: 'sandbox faults queued', mode, count, pending: this.state.faults.length });
  }

  clearFaults(): void {
    this.state.faults.length = 0;
  }

  pendingFaults(): SandboxFaultMode[] {
    return this.state.faults.map((fault) => fault.mode);
  }

  // --- sends -----------------------------------------------------------------------------------------

  /**
   * A send to `phoneNumberId` (the token already checked): Meta's answer, and the message when one was
   * accepted (its statuses are then to be posted). Refusals are thrown as SandboxFailure.
   */
  async send(
    phoneNumberId: string,
    body: Json,
    { fromApp = false } = {},
  ): Promise<{ answer: Json; message?: SandboxSentMessage }> {
    // Faults are queued for the Graph API; the WhatsApp Business app is not a client of it.
    const fault = fromApp ? undefined : this.state.faults.shift();
    if (fault) {
      this.options.log({
        level: 'WARN',
        message: 'sandbox injected fault',
        mode: fault.mode,
        remaining: this.state.faults.length,
      });
      throw faultFailure(fault);
    }
    const request = readSendRequest(body);
    if (request.kind === 'read') {
      const read = { phoneNumberId, messageId: request.messageId, typing: request.typing, at: this.options.clock() };
      return { answer: this.state.reads.record({ ...read, body }) };
    }

    let template: SandboxSentMessage['template'];
    if (request.template) {
      const { name, language } = request.template;
      const category = this.options.templateCategory ? await this.options.templateCategory(name, language) : 'utility';
      if (category === undefined) throw unknownTemplate(name, language);
      template = { name, language, category: category.toLowerCase() };
    }

    const at = this.options.clock();
    const user = this.state.users.find(request.recipient);
    const insideWindow = windowOpen(user, phoneNumberId, at);
    const refused = template === undefined && !insideWindow;
    if (refused && this.options.outsideWindow === 'reject') throw reEngagementRefusal();

    const message: SandboxSentMessage = {
      id: freshWamid(),
      phoneNumberId,
      to: request.to,
      ...(user.waId === undefined ? {} : { waId: user.waId }),
      ...(user.userId === undefined ? {} : { userId: user.userId }),
      type: request.type,
      ...(template === undefined ? {} : { template }),
      insideWindow,
      outcome: refused ? 'failed' : 'accepted',
      ...(refused ? { errorCode: RE_ENGAGEMENT.code } : {}),
      acceptedAt: at,
      statuses: [],
      body,
    };
    if (!refused) {
      message.pricing = (this.options.pricing ?? publishedPricing)(template?.category, insideWindow, at, user);
      const category = template?.category ?? 'service';
      const conversation = conversationFor(user, phoneNumberId, category, at, freshId);
      message.conversation = { id: conversation.id, category, expiresAt: conversation.expiresAt };
    }
    this.state.messages.push(message);
    this.options.onUsersChanged?.();
    this.options.log({
      message: 'sandbox accepted message',
      wamid: message.id,
      type: request.type,
      recipient: maskId(user.waId ?? user.userId),
      insideWindow,
      ...(template === undefined ? {} : { template: template.name, category: template.category }),
      ...(refused ? { willFail: RE_ENGAGEMENT.code } : {}),
    });
    return {
      answer: {
        messaging_product: 'whatsapp',
        contacts: [{ input: request.to, ...contactFields(user) }],
        messages: [{ id: message.id, ...(template === undefined ? {} : { message_status: 'accepted' }) }],
      },
      message,
    };
  }

  /** The statuses Meta posts for a message, in order: `failed` alone, or sent, delivered, read. */
  statusesToPost(message: SandboxSentMessage): SandboxStatus[] {
    return message.outcome === 'failed' ? ['failed'] : ['sent', 'delivered', 'read'];
  }

  /** The webhook of one status, stamped now. */
  statusWebhook(message: SandboxSentMessage, status: SandboxStatus): { payload: Json; timestamp: EpochSeconds } {
    const timestamp = this.options.clock();
    const item = statusItem(message, status, timestamp);
    return { payload: envelope(this.options, message.phoneNumberId, { statuses: [item] }), timestamp };
  }

  /** Notes that a status was posted, and whether the engine took it (Meta counts it either way). */
  recordStatus(message: SandboxSentMessage, status: SandboxStatus, timestamp: EpochSeconds, delivered: boolean): void {
    message.statuses.push({ status, timestamp, delivered });
  }

  /** The recipient as logs may name it. */
  maskedRecipient(message: SandboxSentMessage): string | undefined {
    return maskId(message.waId ?? message.userId);
  }

  /** What was sent so far (copies). */
  sent(): SandboxSentMessage[] {
    return this.state.messages.map((message) => ({
      ...message,
      statuses: message.statuses.map((status) => ({ ...status })),
    }));
  }

  // --- users writing ---------------------------------------------------------------------------------

  /** A user writes to a business number: the window opens now, and the inbound webhook to post. */
  userWrites(
    ids: UserIds,
    phoneNumberId: string,
    content: InboundContent,
    name: string,
  ): { wamid: string; timestamp: EpochSeconds; payload: Json; user: string | undefined } {
    const user = this.state.users.find(ids);
    const timestamp = this.options.clock();
    noteInbound(user, phoneNumberId, timestamp);
    this.options.onUsersChanged?.();
    const wamid = freshWamid();
    const payload = envelope(this.options, phoneNumberId, {
      contacts: [{ profile: { name }, ...contactFields(user) }],
      messages: [inboundItem(user, wamid, timestamp, content)],
    });
    const masked = maskId(user.waId ?? user.userId);
    this.options.log({ message: 'sandbox user message', wamid, user: masked });
    return { wamid, timestamp, payload, user: masked };
  }

  /**
   * The business writes from the WhatsApp Business app on a coexistence number: the message is taken
   * as a send (the same 24-hour rule, pricing and conversation), and Meta echoes it to the engine
   * (`smb_message_echoes`, https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/smb_message_echoes).
   */
  async businessAppSends(phoneNumberId: string, body: Json): Promise<{ message: SandboxSentMessage; payload: Json }> {
    const { message } = await this.send(phoneNumberId, { ...body, messaging_product: 'whatsapp' }, { fromApp: true });
    if (!message) throw invalidSandboxRequest("The business app sends messages; a read receipt is the Graph API's.");
    const payload = envelope(
      this.options,
      phoneNumberId,
      { message_echoes: [echoItem(message, this.options.displayPhoneNumber)] },
      'smb_message_echoes',
    );
    return { message, payload };
  }

  /** Meta's number-quality or account-update webhook for the sandbox's own number and WABA (health.ts). */
  healthWebhook(kind: 'number-quality' | 'account-update', request: Json): Json {
    const origin = {
      wabaId: this.options.wabaId,
      displayPhoneNumber: this.options.displayPhoneNumber,
      now: this.options.clock(),
    };
    const payload =
      kind === 'number-quality' ? numberQualityWebhook(request, origin) : accountUpdateWebhook(request, origin);
    this.options.log({ message: 'sandbox health webhook', kind, event: request.event });
    return payload;
  }

  // --- Graph nodes -----------------------------------------------------------------------------------

  /** `GET /{version}/{node}`: the WABA (with pricing_analytics); any other node is unknown. */
  node(nodeId: string, fields: string | null): Json {
    const { answer, ...about } = answerWabaNode(nodeId, fields, this.state.messages, this.options);
    if (about.points !== undefined) this.options.log({ message: 'sandbox pricing analytics', ...about });
    return answer;
  }
}
