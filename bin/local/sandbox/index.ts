/**
 * The built-in WhatsApp sandbox: a stand-in for Meta's Graph API that the local stack talks to when
 * WHATSAPP_API_URL is unset. It answers sends as Meta does, applies Meta's own 24-hour rule (it knows
 * when each user last wrote because users "write" through it), and then posts signed status webhooks
 * (sent, delivered, read) back to the engine's /webhook, so a whole session can be watched on a
 * laptop. It can be told to fail, so the failure paths can be seen too.
 *
 * Endpoints (endpoints.ts):
 * - `POST /{version}/{phoneNumberId}/messages`: Meta's send API (and mark-as-read).
 * - `GET /{version}/{wabaId}?fields=pricing_analytics.start(..).end(..).granularity(DAILY)...`: Meta's
 *   pricing analytics, computed from what the sandbox delivered (analytics.ts).
 * - `POST /sandbox/users/{waId or user id}/messages` `{ phoneNumberId, text, userId?, name? }`: a user
 *   writes to the business; answers once the signed inbound `text` webhook was delivered (or dropped).
 * - `POST /sandbox/business-app/messages` `{ phoneNumberId, ...send body }`: the business writes from
 *   the WhatsApp Business app; Meta's echo webhook, then the message's statuses.
 * - `POST /sandbox/number-quality` `{ event, limit? }` and `POST /sandbox/account-update`
 *   `{ event, ... }`: Meta's health webhooks for the sandbox's number and WABA (health.ts); answer
 *   once the engine took them.
 * - `POST /sandbox/faults` `{ mode, count?, retryAfterSeconds? }`, `DELETE /sandbox/faults`: the next
 *   `count` sends fail as asked.
 * - `GET /sandbox/sent`: what was sent and which status webhooks went out (and the mark-as-read calls).
 * - `GET /sandbox/idle`: answers once no webhook is pending (scheduled, in flight or being retried).
 * - `GET /{version}/{wabaId}/message_templates`: Meta's template list of the templates the sandbox
 *   knows; `POST /sandbox/templates` `{ name, language, category, status?, components? }` adds one,
 *   `DELETE /sandbox/templates/{name}/{language}` removes it (templates.ts).
 *
 * Choices (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components,
 * https://developers.facebook.com/docs/whatsapp/pricing):
 * - A free-form send outside the user's 24-hour window is accepted with 200 and a wamid, and a
 *   `failed` status with error 131047 follows, as Meta's Cloud API does today; `outsideWindow:
 *   'reject'` answers 400 with 131047 at once instead (Meta documents errors as synchronous,
 *   asynchronous, or both, so the engine must handle either).
 * - A conversation id stays the same while the (number, user, category) conversation is open (24 h
 *   from its first message), like conversation-based pricing did. Pricing is PMP: free-form and
 *   utility templates inside the window are `free_customer_service`, every other template `regular`;
 *   `billable` is Meta's published rule, or with `rateCard` what the version in force that day says.
 * - With `stateFile`, the users (who wrote when, their open conversations) are kept in that file
 *   (state-file.ts), so a restart on a kept data folder still applies the 24-hour rule.
 * - Webhook POSTs: at most `attempts` tries per webhook with doubling pauses, at most `concurrency`
 *   in flight, then the webhook is dropped with a WARN log line (webhooks.ts). Logs never carry
 *   message text, full phone numbers or user ids, or the access token.
 */
import { createServer } from 'node:http';
import { listen } from '../http.ts';
import type { PricingRate } from './analytics';
import { createSandboxMedia } from '../sandbox-media.ts';
import { createEndpoints } from './endpoints';
import type { SandboxFaultMode } from './errors';
import type { SandboxSentMessage } from './messages';
import type { SandboxRead } from './reads';
import { MetaModel, type TemplateCategoryLookup } from './model';
import type { RateCard } from '#pricing/rate-card';
import { rateCardPricing } from './rate-card-pricing';
import { sandboxStateFile } from './state-file';
import { WebhookPoster, type WebhookDelivery } from './webhooks';

export { FAULT_MODES, type SandboxFaultMode } from './errors';
export { MetaModel } from './model';
export type { SandboxPricing, SandboxSentMessage, SandboxStatus } from './messages';
export type { SandboxRead } from './reads';

export interface SandboxOptions {
  port: number;
  /** default 127.0.0.1 */
  host?: string;
  /** signs every webhook (X-Hub-Signature-256) */
  appSecret: string;
  /** the only bearer token the send endpoint accepts */
  accessToken: string;
  /** where webhooks go: the engine's POST /webhook */
  webhookUrl: string;
  /** a template's category (marketing, utility, authentication, ...); undefined: Meta's 132001. Unset: every template is utility. */
  templateCategory?: TemplateCategoryLookup;
  /** pause before `sent`, then between `sent` and `delivered`, then before `read`; default 300 / 700 / 1,500 ms */
  delaysMs?: { sent: number; delivered: number; read: number };
  /** epoch milliseconds; default Date.now */
  now?: () => number;
  /** one structured entry per call; default a JSON line on stdout */
  log?: (entry: Record<string, unknown>) => void;
  /** how a free-form send outside the window fails: 'failed-status' (default, as Meta) or 'reject' (400 at once) */
  outsideWindow?: 'failed-status' | 'reject';
  /** `entry[].id` of the webhooks; default 100000000000000 */
  wabaId?: string;
  /** `metadata.display_phone_number`, and `phone_number` in pricing analytics; default 15550000000 */
  displayPhoneNumber?: string;
  /**
   * The cost per delivered billable (`regular`) message for pricing analytics, in the WABA's currency,
   * given the recipient's country (ISO alpha-2) and the lower-case pricing category and type
   * (`authentication_international`, `regular`); free messages cost 0. Unset: analytics carry no
   * `cost` at all, as for a WABA on a Solution Partner's credit line.
   */
  pricingRate?: PricingRate;
  webhookDelivery?: WebhookDelivery;
  /** statuses' `pricing.billable` as this card's version in force that day says (rate-card-pricing.ts); unset: Meta's published rule */
  rateCard?: RateCard;
  /** a file that keeps who wrote when across restarts (state-file.ts); unset: users are forgotten on close */
  stateFile?: string;
}

export interface Sandbox {
  /** base url to use as the Graph API base, e.g. http://127.0.0.1:4010 */
  url: string;
  port: number;
  /** resolves when no webhook is scheduled, in flight or waiting for a retry */
  idle(): Promise<void>;
  /** what was sent so far (copies) */
  sent(): SandboxSentMessage[];
  /** the mark-as-read calls so far (copies) */
  reads(): SandboxRead[];
  /** the next `count` sends fail in that mode (after any faults already queued) */
  injectFault(mode: SandboxFaultMode, count?: number, retryAfterSeconds?: number): void;
  /** stops the server, cancels scheduled webhooks and aborts those in flight */
  close(): Promise<void>;
}

const defaultLog = (entry: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ level: 'INFO', timestamp: new Date().toISOString(), ...entry })}\n`);
};

export const startSandbox = async (options: SandboxOptions): Promise<Sandbox> => {
  const now = options.now ?? Date.now;
  const delays = options.delaysMs ?? { sent: 300, delivered: 700, read: 1500 };
  const sink = options.log ?? defaultLog;
  const log = (entry: Record<string, unknown>): void => {
    try {
      sink({ component: 'whatsapp-sandbox', ...entry });
    } catch {
      // a failing logger must not break the sandbox
    }
  };
  let origin = '';
  let baseUrl = '';
  const media = createSandboxMedia({ accessToken: options.accessToken, baseUrl: () => baseUrl, now, log });
  const stateFile = options.stateFile === undefined ? undefined : sandboxStateFile(options.stateFile);
  const model: MetaModel = new MetaModel({
    media,
    clock: () => Math.floor(now() / 1000),
    wabaId: options.wabaId ?? '100000000000000',
    displayPhoneNumber: options.displayPhoneNumber ?? '15550000000',
    outsideWindow: options.outsideWindow ?? 'failed-status',
    ...(options.templateCategory ? { templateCategory: options.templateCategory } : {}),
    ...(options.pricingRate ? { pricingRate: options.pricingRate } : {}),
    ...(options.rateCard ? { pricing: rateCardPricing(options.rateCard) } : {}),
    ...(stateFile ? { onUsersChanged: () => stateFile.save(model.state.users) } : {}),
    log,
  });
  if (stateFile) {
    const users = stateFile.load(model.state.users);
    log({ message: 'sandbox users restored', users, file: stateFile.file });
  }
  const poster = new WebhookPoster({
    ...options.webhookDelivery,
    url: options.webhookUrl,
    appSecret: options.appSecret,
    log,
  });

  /** sent, delivered and read (or failed) after their pauses, each stamped when it is posted. */
  const postStatuses = (message: SandboxSentMessage): void => {
    const pauses = [delays.sent, delays.delivered, delays.read];
    void poster.track(async () => {
      for (const [i, status] of model.statusesToPost(message).entries()) {
        await poster.wait(pauses[i] ?? 0);
        if (poster.isClosed) return;
        const { payload, timestamp } = model.statusWebhook(message, status);
        const delivered = await poster.deliver(payload, {
          kind: 'status',
          status,
          wamid: message.id,
          recipient: model.maskedRecipient(message),
        });
        model.recordStatus(message, status, timestamp, delivered);
      }
    });
  };

  const server = createServer(
    createEndpoints({
      model,
      accessToken: options.accessToken,
      origin: () => origin,
      postStatuses,
      postInbound: async (payload, about) => {
        let delivered = false;
        await poster.track(async () => {
          delivered = await poster.deliver(payload, about);
        });
        return delivered;
      },
      idle: () => poster.idle(),
      log,
    }),
  );
  const { port, url } = await listen(server, options.port, options.host ?? '127.0.0.1');
  origin = new URL(url).origin;
  baseUrl = url;

  return {
    url,
    port,
    idle: () => poster.idle(),
    sent: () => model.sent(),
    reads: () => model.state.reads.list(),
    injectFault: (mode, count, retryAfterSeconds) => model.queueFaults(mode, count, retryAfterSeconds),
    close: async () => {
      poster.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await poster.idle();
    },
  };
};
