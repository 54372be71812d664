/**
 * The built-in WhatsApp sandbox: a stand-in for Meta's Graph API send endpoint that the local stack
 * talks to when WHATSAPP_API_URL is unset. It answers sends as Meta does, applies Meta's own 24-hour
 * rule (it knows when each user last wrote because users "write" through it), and then posts signed
 * status webhooks (sent, delivered, read) back to the engine's /webhook, so a whole session can be
 * watched on a laptop. It can be told to fail, so the failure paths can be seen too.
 *
 * Endpoints:
 * - `POST /{version}/{phoneNumberId}/messages`: Meta's send API (and mark-as-read).
 * - `POST /sandbox/users/{waId or user id}/messages` `{ phoneNumberId, text, userId?, name? }`: a user
 *   writes to the business; answers once the signed inbound `text` webhook was delivered (or dropped).
 * - `POST /sandbox/faults` `{ mode, count?, retryAfterSeconds? }`, `DELETE /sandbox/faults`: the next
 *   `count` sends fail as asked.
 * - `GET /sandbox/sent`: what was sent and which status webhooks went out.
 * - `GET /sandbox/idle`: answers once no webhook is pending (scheduled, in flight or being retried).
 * - `GET /{version}/{wabaId}?fields=pricing_analytics.start(..).end(..).granularity(DAILY)...`: Meta's
 *   pricing analytics (§6), computed from what the sandbox delivered (see `answerPricingAnalytics`).
 *
 * Choices (see whatsapp-platform.md §2.3, §4.3, §4.4):
 * - A free-form send outside the user's 24-hour window is accepted with 200 and a wamid, and a
 *   `failed` status with error 131047 follows, as Meta's Cloud API does today; `outsideWindow:
 *   'reject'` answers 400 with 131047 at once instead (Meta documents errors as synchronous,
 *   asynchronous, or both, so the engine must handle either).
 * - `conversation` and `pricing` ride on `sent` and `delivered` only, never on `read` (Meta sends
 *   them on `sent` plus one of delivered/read); `expiration_timestamp` only on `sent`. A conversation
 *   id stays the same while the (number, user, category) conversation is open (24 h from its first
 *   message), like conversation-based pricing did.
 * - Pricing is PMP as of the 2026-09-11 rules: free-form and utility templates inside the window are
 *   `free_customer_service`, every other template `regular`.
 * - Pricing analytics count a message on the day of its `delivered` status (Meta counts delivery,
 *   whether or not our webhook endpoint took the status), in the recipient's country, under the
 *   pricing category and type its statuses carried, upper-cased as Meta writes them in analytics
 *   (`AUTHENTICATION_INTERNATIONAL`). `phone_number` is the display number, as Meta's analytics give
 *   the business phone number, not its id. Daily buckets are UTC days (a WABA whose time zone is UTC).
 *   `cost` only with a `pricingRate`; without one it is left out, as for a WABA on a Solution
 *   Partner's credit line. Tiers are not modelled (`TIER` is accepted and ignored).
 * - Webhook POSTs: at most `attempts` tries per webhook with doubling pauses, at most `concurrency`
 *   in flight, then the webhook is dropped with a WARN log line. Logs never carry message text, full
 *   phone numbers or user ids, or the access token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { maskId } from '#commons/redact';
import { countryOf } from '#domain/country';
import { signBody } from '#webhook/signature';
import { createSandboxMedia } from './sandbox-media.ts';

export type SandboxFaultMode = 'rate-limit' | 'pair-rate-limit' | 'server-error' | 'invalid-token';
export const FAULT_MODES: readonly SandboxFaultMode[] = [
  'rate-limit',
  'pair-rate-limit',
  'server-error',
  'invalid-token',
];

export type SandboxStatus = 'sent' | 'delivered' | 'read' | 'failed';

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
  templateCategory?: (name: string, language: string) => Promise<string | undefined>;
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
  pricingRate?: (country: string, category: string, type: string) => number;
  webhookDelivery?: {
    /** tries per webhook, default 5 */
    attempts?: number;
    /** pause before the first retry, doubled for each next one; default 500 ms */
    retryDelayMs?: number;
    /** per POST, default 10,000 ms */
    timeoutMs?: number;
    /** POSTs in flight at once, default 8 */
    concurrency?: number;
  };
}

export interface SandboxPricing {
  billable: boolean;
  pricing_model: 'PMP';
  type: 'regular' | 'free_customer_service';
  category: string;
}

export interface SandboxSentMessage {
  id: string;
  phoneNumberId: string;
  /** `to` as the request gave it */
  to: string;
  waId?: string;
  userId?: string;
  type: string;
  template?: { name: string; language: string; category: string };
  /** whether the user's 24-hour window was open at send time */
  insideWindow: boolean;
  /** accepted: statuses sent, delivered, read follow; failed: a `failed` status with `errorCode` follows */
  outcome: 'accepted' | 'failed';
  errorCode?: number;
  pricing?: SandboxPricing;
  conversation?: { id: string; category: string; expiresAt: number };
  /** epoch seconds */
  acceptedAt: number;
  /** status webhooks so far, in order; delivered: the webhook endpoint answered 2xx */
  statuses: Array<{ status: SandboxStatus; timestamp: number; delivered: boolean }>;
  /** the request body as received */
  body: Record<string, unknown>;
}

export interface Sandbox {
  /** base url to use as the Graph API base, e.g. http://127.0.0.1:4010 */
  url: string;
  port: number;
  /** resolves when no webhook is scheduled, in flight or waiting for a retry */
  idle(): Promise<void>;
  /** what was sent so far (copies) */
  sent(): SandboxSentMessage[];
  /** the next `count` sends fail in that mode (after any faults already queued) */
  injectFault(mode: SandboxFaultMode, count?: number, retryAfterSeconds?: number): void;
  /** stops the server, cancels scheduled webhooks and aborts those in flight */
  close(): Promise<void>;
}

const DAY_SECONDS = 86_400;
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_TEXT = 4096;
const MAX_FAULTS = 10_000;
const SEND_PATH = /^\/(v\d+(?:\.\d+)?)\/([^/]+)\/messages$/;
const USER_PATH = /^\/sandbox\/users\/([^/]+)\/messages$/;
const NODE_PATH = /^\/(v\d+(?:\.\d+)?)\/([^/]+)$/;
const ANALYTICS_DIMENSIONS = new Set(['COUNTRY', 'PHONE', 'PRICING_CATEGORY', 'PRICING_TYPE', 'TIER']);
const ANALYTICS_FILTERS = new Set([
  'start',
  'end',
  'granularity',
  'phone_numbers',
  'country_codes',
  'metric_types',
  'pricing_types',
  'pricing_categories',
  'dimensions',
]);
const BSUID = /^[A-Z]{2}\.[A-Za-z0-9.]+$/;
const MESSAGE_TYPES = new Set([
  'text',
  'template',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'reaction',
]);

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;

/** A phone number as Meta reads `to`: digits with optional +, spaces, dashes, dots and parentheses. */
const phoneDigits = (value: string): string | undefined => {
  if (!/^\+?[\d\s\-().]+$/.test(value)) return undefined;
  const digits = value.replace(/\D/g, '');
  return digits.length >= 8 && digits.length <= 15 ? digits : undefined;
};

const freshWamid = (): string => `wamid.HBgL${randomBytes(24).toString('hex').toUpperCase()}`;
const freshId = (): string => randomBytes(16).toString('hex');

interface UserRecord {
  waId?: string;
  userId?: string;
  /** per business number: epoch seconds of the user's last message */
  lastInbound: Map<string, number>;
  /** per business number and category */
  conversations: Map<string, { id: string; expiresAt: number }>;
}

interface Fault {
  mode: SandboxFaultMode;
  retryAfterSeconds?: number;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const graphError = (
  status: number,
  code: number,
  message: string,
  details?: string,
  type = 'OAuthException',
): HttpFailure =>
  new HttpFailure(status, {
    error: {
      message,
      type,
      code,
      ...(details === undefined ? {} : { error_data: { messaging_product: 'whatsapp', details } }),
      fbtrace_id: randomBytes(9).toString('base64url'),
    },
  });

const invalidParameter = (details: string): HttpFailure => graphError(400, 100, '(#100) Invalid parameter', details);

const sandboxError = (status: number, code: string, message: string): HttpFailure =>
  new HttpFailure(status, { error: { code, message } });

const faultError = (fault: Fault): HttpFailure => {
  switch (fault.mode) {
    case 'rate-limit':
      return graphError(429, 130429, '(#130429) Rate limit hit', 'Cloud API message throughput has been reached.');
    case 'pair-rate-limit':
      return graphError(
        400,
        131056,
        '(#131056) (Business Account, Consumer Account) pair rate limit hit',
        'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
      );
    case 'server-error':
      return graphError(
        500,
        131000,
        '(#131000) Something went wrong',
        'Message failed to send due to an unknown error.',
      );
    case 'invalid-token':
      return graphError(401, 190, 'Error validating access token: Session has expired.');
  }
};

const RE_ENGAGEMENT = {
  code: 131047,
  title: 'Re-engagement message',
  message: 'Re-engagement message',
  error_data: {
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
};

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(sandboxError(413, 'PAYLOAD_TOO_LARGE', `The body is over ${MAX_BODY_BYTES} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const parseJsonObject = (raw: Buffer, invalid: () => HttpFailure): Json => {
  try {
    const value = JSON.parse(raw.length === 0 ? '{}' : raw.toString('utf8')) as unknown;
    if (isObject(value)) return value;
  } catch {
    // answered below
  }
  throw invalid();
};

const writeJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const defaultLog = (entry: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ level: 'INFO', timestamp: new Date().toISOString(), ...entry })}\n`);
};

/** The Meta pricing category spelling: hyphen for authentication-international (see §2.3). */
const pricingCategory = (category: string): string =>
  category === 'authentication_international' ? 'authentication-international' : category;

/** Splits a Graph `fields` value at its top-level commas (commas inside a modifier's parentheses stay). */
const splitFields = (fields: string): string[] => {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of fields) {
    if (char === '(') depth += 1;
    else if (char === ')') depth = Math.max(0, depth - 1);
    if (char === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += char;
  }
  out.push(current.trim());
  return out.filter((field) => field.length > 0);
};

/** A modifier's argument as a list: `["A","B"]`, `[A,B]` and `A,B` all give A and B. */
const modifierList = (args: string): string[] =>
  args
    .trim()
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((value) =>
      value
        .trim()
        .replace(/^["']|["']$/g, '')
        .trim(),
    )
    .filter((value) => value.length > 0);

/** `pricing_analytics.start(1).end(2).dimensions(["A"])` → its name and modifiers; undefined when malformed. */
const parseFieldExpansion = (field: string): { name: string; modifiers: Map<string, string[]> } | undefined => {
  const match = /^([a-z_]+)((?:\.[a-z_]+\([^()]*\))*)$/.exec(field);
  if (!match?.[1]) return undefined;
  const modifiers = new Map<string, string[]>();
  for (const [, key, args] of (match[2] ?? '').matchAll(/\.([a-z_]+)\(([^()]*)\)/g)) {
    if (key !== undefined) modifiers.set(key, modifierList(args ?? ''));
  }
  return { name: match[1], modifiers };
};

const unsupportedGet = (id: string): HttpFailure =>
  new HttpFailure(400, {
    error: {
      message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33,
      fbtrace_id: randomBytes(9).toString('base64url'),
    },
  });

export const startSandbox = async (options: SandboxOptions): Promise<Sandbox> => {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const nowSeconds = (): number => Math.floor(now() / 1000);
  const delays = options.delaysMs ?? { sent: 300, delivered: 700, read: 1500 };
  const outsideWindow = options.outsideWindow ?? 'failed-status';
  const wabaId = options.wabaId ?? '100000000000000';
  const displayPhoneNumber = options.displayPhoneNumber ?? '15550000000';
  const delivery = {
    attempts: Math.max(1, options.webhookDelivery?.attempts ?? 5),
    retryDelayMs: options.webhookDelivery?.retryDelayMs ?? 500,
    timeoutMs: options.webhookDelivery?.timeoutMs ?? 10_000,
    concurrency: Math.max(1, options.webhookDelivery?.concurrency ?? 8),
  };
  const sink = options.log ?? defaultLog;
  const log = (entry: Record<string, unknown>): void => {
    try {
      sink({ component: 'whatsapp-sandbox', ...entry });
    } catch {
      // a failing logger must not break the sandbox
    }
  };
  const tokenDigest = createHash('sha256').update(options.accessToken).digest();
  const media = createSandboxMedia({ accessToken: options.accessToken, baseUrl: () => url, now, log });

  const users = new Map<string, UserRecord>();
  const sent: SandboxSentMessage[] = [];
  const faults: Fault[] = [];
  const pending = new Set<Promise<void>>();
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const inFlight = new Set<AbortController>();
  let closed = false;

  // --- bounded, observable background work -------------------------------------------------------

  const wait = (ms: number): Promise<void> => {
    if (ms <= 0 || closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      timers.add(entry);
    });
  };

  const track = (work: () => Promise<void>): void => {
    const promise = work().catch((error: unknown) => {
      log({ level: 'ERROR', message: 'sandbox background work failed', error: describe(error) });
    });
    pending.add(promise);
    void promise.then(() => pending.delete(promise));
  };

  let slots = delivery.concurrency;
  const queue: Array<() => void> = [];
  const acquire = async (): Promise<void> => {
    if (slots > 0) {
      slots -= 1;
      return;
    }
    await new Promise<void>((resolve) => queue.push(resolve));
  };
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else slots += 1;
  };

  const postOnce = async (body: string, signature: string): Promise<string | undefined> => {
    await acquire();
    if (closed) {
      release();
      return 'sandbox closed';
    }
    const controller = new AbortController();
    inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), delivery.timeoutMs);
    try {
      const response = await fetch(options.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body,
        signal: controller.signal,
      });
      await response.arrayBuffer();
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return controller.signal.aborted ? (closed ? 'sandbox closed' : 'timeout') : describe(error);
    } finally {
      clearTimeout(timer);
      inFlight.delete(controller);
      release();
    }
  };

  /** Posts one signed webhook, retrying like Meta (bounded); true when the endpoint answered 2xx. */
  const deliver = async (payload: Json, about: Record<string, unknown>): Promise<boolean> => {
    const body = JSON.stringify(payload);
    const signature = signBody(body, options.appSecret);
    let problem: string | undefined;
    for (let attempt = 1; attempt <= delivery.attempts; attempt += 1) {
      if (closed) break;
      problem = await postOnce(body, signature);
      if (problem === undefined) return true;
      if (attempt < delivery.attempts) await wait(delivery.retryDelayMs * 2 ** (attempt - 1));
    }
    log({
      level: 'WARN',
      message: 'sandbox webhook dropped',
      ...about,
      attempts: delivery.attempts,
      problem: problem ?? 'sandbox closed',
    });
    return false;
  };

  const envelope = (phoneNumberId: string, value: Json): Json => ({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: displayPhoneNumber, phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  });

  // --- users, windows, conversations -------------------------------------------------------------

  const findUser = (ids: { waId?: string; userId?: string }): UserRecord => {
    const byWa = ids.waId === undefined ? undefined : users.get(`wa:${ids.waId}`);
    const byUser = ids.userId === undefined ? undefined : users.get(`user:${ids.userId}`);
    const user: UserRecord = byWa ?? byUser ?? { lastInbound: new Map(), conversations: new Map() };
    if (byWa && byUser && byWa !== byUser) {
      // one person seen first by phone and by user id apart: merge what is known
      for (const [number, at] of byUser.lastInbound) {
        user.lastInbound.set(number, Math.max(at, user.lastInbound.get(number) ?? 0));
      }
      for (const [key, conversation] of byUser.conversations) {
        if (!user.conversations.has(key)) user.conversations.set(key, conversation);
      }
      if (byUser.waId !== undefined && user.waId === undefined) user.waId = byUser.waId;
    }
    if (ids.waId !== undefined) user.waId = ids.waId;
    if (ids.userId !== undefined) user.userId = ids.userId;
    if (user.waId !== undefined) users.set(`wa:${user.waId}`, user);
    if (user.userId !== undefined) users.set(`user:${user.userId}`, user);
    return user;
  };

  const windowOpen = (user: UserRecord, phoneNumberId: string, at: number): boolean => {
    const last = user.lastInbound.get(phoneNumberId);
    return last !== undefined && at < last + DAY_SECONDS;
  };

  const conversationFor = (user: UserRecord, phoneNumberId: string, category: string, at: number) => {
    const key = `${phoneNumberId}|${category}`;
    const open = user.conversations.get(key);
    if (open && open.expiresAt > at) return open;
    const fresh = { id: freshId(), expiresAt: at + DAY_SECONDS };
    user.conversations.set(key, fresh);
    return fresh;
  };

  const recipientFields = (record: SandboxSentMessage): Json => ({
    ...(record.waId === undefined ? {} : { recipient_id: record.waId }),
    ...(record.userId === undefined ? {} : { recipient_user_id: record.userId }),
  });

  const statusItem = (record: SandboxSentMessage, status: SandboxStatus, timestamp: number): Json => {
    const item: Json = { id: record.id, status, timestamp: String(timestamp), ...recipientFields(record) };
    const biz = record.body.biz_opaque_callback_data;
    if (typeof biz === 'string') item.biz_opaque_callback_data = biz;
    if (status === 'failed') {
      item.errors = [RE_ENGAGEMENT];
      return item;
    }
    if ((status === 'sent' || status === 'delivered') && record.conversation && record.pricing) {
      item.conversation = {
        id: record.conversation.id,
        ...(status === 'sent' ? { expiration_timestamp: String(record.conversation.expiresAt) } : {}),
        origin: { type: record.conversation.category },
      };
      item.pricing = { ...record.pricing };
    }
    return item;
  };

  const postStatus = async (record: SandboxSentMessage, status: SandboxStatus): Promise<void> => {
    const timestamp = nowSeconds();
    const delivered = await deliver(
      envelope(record.phoneNumberId, { statuses: [statusItem(record, status, timestamp)] }),
      { kind: 'status', status, wamid: record.id, recipient: maskId(record.waId ?? record.userId) },
    );
    record.statuses.push({ status, timestamp, delivered });
  };

  const scheduleStatuses = (record: SandboxSentMessage): void =>
    track(async () => {
      await wait(delays.sent);
      if (closed) return;
      if (record.outcome === 'failed') {
        await postStatus(record, 'failed');
        return;
      }
      for (const [status, delay] of [
        ['sent', 0],
        ['delivered', delays.delivered],
        ['read', delays.read],
      ] as const) {
        await wait(delay);
        if (closed) return;
        await postStatus(record, status);
      }
    });

  // --- endpoints -----------------------------------------------------------------------------------

  const bearerOk = (header: string | undefined): boolean => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match?.[1]) return false;
    return timingSafeEqual(createHash('sha256').update(match[1]).digest(), tokenDigest);
  };

  const handleSend = async (req: IncomingMessage, phoneNumberId: string, raw: Buffer): Promise<Json> => {
    if (!bearerOk(req.headers.authorization)) {
      throw graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    }
    const fault = faults.shift();
    if (fault) {
      log({ level: 'WARN', message: 'sandbox injected fault', mode: fault.mode, remaining: faults.length });
      const failure = faultError(fault);
      if (fault.retryAfterSeconds === undefined) throw failure;
      throw new HttpFailure(failure.status, failure.body, { 'retry-after': String(fault.retryAfterSeconds) });
    }
    const body = parseJsonObject(raw, () => invalidParameter('The request body is not a JSON object.'));
    if (body.messaging_product !== 'whatsapp') {
      throw graphError(400, 100, '(#100) The parameter messaging_product is required.');
    }
    if (body.status === 'read') {
      if (!nonEmpty(body.message_id)) throw graphError(400, 100, '(#100) The parameter message_id is required.');
      return { success: true };
    }
    // A business-scoped user id travels in `recipient`, a phone number in `to`.
    const to = body.to ?? body.recipient;
    if (!nonEmpty(to)) throw graphError(400, 100, '(#100) The parameter to is required.');
    const ids: { waId?: string; userId?: string } = {};
    if (BSUID.test(to.trim())) ids.userId = to.trim();
    else {
      const digits = phoneDigits(to.trim());
      if (digits === undefined) throw invalidParameter("Parameter 'to' is not a valid phone number or user id.");
      ids.waId = digits;
    }
    const type = body.type === undefined ? 'text' : body.type;
    if (typeof type !== 'string' || !MESSAGE_TYPES.has(type)) {
      throw invalidParameter(`Parameter 'type' must be one of ${[...MESSAGE_TYPES].join(', ')}.`);
    }
    const content = body[type];
    const contentOk = type === 'contacts' ? Array.isArray(content) && content.length > 0 : isObject(content);
    if (!contentOk) throw invalidParameter(`Parameter '${type}' is required for a message of type ${type}.`);

    let template: SandboxSentMessage['template'];
    if (type === 'template' && isObject(content)) {
      const name = content.name;
      const language = isObject(content.language) ? content.language.code : undefined;
      if (!nonEmpty(name)) throw invalidParameter("Parameter 'template.name' is required.");
      if (!nonEmpty(language)) throw invalidParameter("Parameter 'template.language.code' is required.");
      const category = options.templateCategory ? await options.templateCategory(name, language) : 'utility';
      if (category === undefined) {
        throw graphError(
          404,
          132001,
          '(#132001) Template name does not exist in the translation',
          `template name (${name}) does not exist in ${language}`,
        );
      }
      template = { name, language, category: category.toLowerCase() };
    }
    if (type === 'text' && isObject(content)) {
      const text = content.body;
      if (!nonEmpty(text)) throw invalidParameter("Parameter 'text.body' is required.");
      if (text.length > MAX_TEXT)
        throw invalidParameter(`Parameter 'text.body' is longer than ${MAX_TEXT} characters.`);
    }

    const at = nowSeconds();
    const user = findUser(ids);
    const insideWindow = windowOpen(user, phoneNumberId, at);
    const refused = template === undefined && !insideWindow;
    if (refused && outsideWindow === 'reject') {
      throw graphError(400, 131047, '(#131047) Re-engagement message', RE_ENGAGEMENT.error_data.details);
    }

    const record: SandboxSentMessage = {
      id: freshWamid(),
      phoneNumberId,
      to,
      ...(user.waId === undefined ? {} : { waId: user.waId }),
      ...(user.userId === undefined ? {} : { userId: user.userId }),
      type,
      ...(template === undefined ? {} : { template }),
      insideWindow,
      outcome: refused ? 'failed' : 'accepted',
      ...(refused ? { errorCode: RE_ENGAGEMENT.code } : {}),
      acceptedAt: at,
      statuses: [],
      body,
    };
    if (!refused) {
      const category = template?.category ?? 'service';
      const free = template === undefined || (template.category === 'utility' && insideWindow);
      record.pricing = {
        billable: !free,
        pricing_model: 'PMP',
        type: free ? 'free_customer_service' : 'regular',
        category: pricingCategory(category),
      };
      const conversation = conversationFor(user, phoneNumberId, category, at);
      record.conversation = { id: conversation.id, category, expiresAt: conversation.expiresAt };
    }
    sent.push(record);
    log({
      message: 'sandbox accepted message',
      wamid: record.id,
      type,
      recipient: maskId(user.waId ?? user.userId),
      insideWindow,
      ...(template === undefined ? {} : { template: template.name, category: template.category }),
      ...(refused ? { willFail: RE_ENGAGEMENT.code } : {}),
    });
    scheduleStatuses(record);
    return {
      messaging_product: 'whatsapp',
      contacts: [
        {
          input: to,
          ...(user.waId === undefined ? {} : { wa_id: user.waId }),
          ...(user.userId === undefined ? {} : { user_id: user.userId }),
        },
      ],
      messages: [{ id: record.id, ...(template === undefined ? {} : { message_status: 'accepted' }) }],
    };
  };

  const handleUserMessage = async (id: string, raw: Buffer): Promise<Json> => {
    const body = parseJsonObject(raw, () => sandboxError(400, 'VALIDATION_ERROR', 'The body must be a JSON object.'));
    const { phoneNumberId, text } = body;
    if (!nonEmpty(phoneNumberId)) {
      throw sandboxError(
        400,
        'VALIDATION_ERROR',
        'phoneNumberId (the business number the user writes to) is required.',
      );
    }
    const mediaPart = media.inboundContent(body);
    if (mediaPart && 'error' in mediaPart) throw sandboxError(400, 'VALIDATION_ERROR', String(mediaPart.error));
    if (!mediaPart && (!nonEmpty(text) || text.length > MAX_TEXT)) {
      throw sandboxError(400, 'VALIDATION_ERROR', `text is required, at most ${MAX_TEXT} characters.`);
    }
    if (body.userId !== undefined && (typeof body.userId !== 'string' || !BSUID.test(body.userId))) {
      throw sandboxError(
        400,
        'VALIDATION_ERROR',
        'userId must be a business-scoped user id such as US.1349120865530274.',
      );
    }
    const ids: { waId?: string; userId?: string } = {};
    if (BSUID.test(id)) ids.userId = id;
    else {
      const digits = phoneDigits(id);
      if (digits === undefined) {
        throw sandboxError(400, 'VALIDATION_ERROR', 'The path must name the user by phone number (wa_id) or user id.');
      }
      ids.waId = digits;
      if (typeof body.userId === 'string') ids.userId = body.userId;
    }
    const name = nonEmpty(body.name) ? body.name : 'Sandbox User';
    const user = findUser(ids);
    const timestamp = nowSeconds();
    user.lastInbound.set(phoneNumberId, Math.max(timestamp, user.lastInbound.get(phoneNumberId) ?? 0));
    const wamid = freshWamid();
    const payload = envelope(phoneNumberId, {
      contacts: [
        {
          profile: { name },
          ...(user.waId === undefined ? {} : { wa_id: user.waId }),
          ...(user.userId === undefined ? {} : { user_id: user.userId }),
        },
      ],
      messages: [
        {
          ...(user.waId === undefined ? {} : { from: user.waId }),
          ...(user.userId === undefined ? {} : { from_user_id: user.userId }),
          id: wamid,
          timestamp: String(timestamp),
          ...(mediaPart ?? { type: 'text', text: { body: text } }),
        },
      ],
    });
    const recipient = maskId(user.waId ?? user.userId);
    log({ message: 'sandbox user message', wamid, user: recipient });
    // Answered once the engine has the webhook, so a send right after finds the window open.
    let delivered = false;
    const delivery = deliver(payload, { kind: 'message', wamid, user: recipient }).then((ok) => {
      delivered = ok;
    });
    track(() => delivery);
    await delivery;
    return { id: wamid, timestamp: String(timestamp), delivered };
  };

  const handleFaults = (raw: Buffer): Json => {
    const body = parseJsonObject(raw, () => sandboxError(400, 'VALIDATION_ERROR', 'The body must be a JSON object.'));
    const mode = body.mode as SandboxFaultMode;
    if (!FAULT_MODES.includes(mode)) {
      throw sandboxError(400, 'VALIDATION_ERROR', `mode must be one of ${FAULT_MODES.join(', ')}.`);
    }
    const count = body.count ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || faults.length + count > MAX_FAULTS) {
      throw sandboxError(
        400,
        'VALIDATION_ERROR',
        `count must be a whole number from 1 (at most ${MAX_FAULTS} queued).`,
      );
    }
    const retryAfter = body.retryAfterSeconds;
    if (
      retryAfter !== undefined &&
      (typeof retryAfter !== 'number' || !Number.isInteger(retryAfter) || retryAfter < 0)
    ) {
      throw sandboxError(400, 'VALIDATION_ERROR', 'retryAfterSeconds must be a whole number of seconds.');
    }
    injectFault(mode, count, retryAfter);
    return { pending: faults.map((fault) => fault.mode) };
  };

  const injectFault = (mode: SandboxFaultMode, count = 1, retryAfterSeconds?: number): void => {
    for (let i = 0; i < count; i += 1) {
      faults.push(retryAfterSeconds === undefined ? { mode } : { mode, retryAfterSeconds });
    }
    log({ message: 'sandbox faults queued', mode, count, pending: faults.length });
  };

  /**
   * Meta's `pricing_analytics` (§6) over what was delivered: one data point per UTC day of the
   * `delivered` status and per requested dimension (PHONE: the display number; COUNTRY: the
   * recipient's; PRICING_CATEGORY, PRICING_TYPE: from the message's pricing), volume = messages,
   * cost from `pricingRate` when set. Filters (phone_numbers, country_codes, pricing_categories,
   * pricing_types, metric_types) apply as Meta's do; granularity DAILY only.
   */
  const answerPricingAnalytics = (req: IncomingMessage, nodeId: string, fields: string | null): Json => {
    if (!bearerOk(req.headers.authorization)) {
      throw graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    }
    if (nodeId !== wabaId) throw unsupportedGet(nodeId);
    let query: Map<string, string[]> | undefined;
    for (const field of splitFields(fields ?? '')) {
      if (field === 'id') continue;
      const parsed = parseFieldExpansion(field);
      if (parsed?.name !== 'pricing_analytics') {
        throw graphError(
          400,
          100,
          `(#100) Tried accessing nonexisting field (${field.split('.')[0] ?? field}) on node type (WhatsAppBusinessAccount)`,
        );
      }
      query = parsed.modifiers;
    }
    if (query === undefined) return { id: wabaId };

    const invalid = (details: string): HttpFailure => graphError(400, 100, '(#100) Invalid parameter', details);
    for (const key of query.keys()) {
      if (!ANALYTICS_FILTERS.has(key)) throw invalid(`pricing_analytics does not take ${key}.`);
    }
    const instant = (key: 'start' | 'end'): number => {
      const [value, ...rest] = query.get(key) ?? [];
      if (value === undefined || rest.length > 0 || !/^\d+$/.test(value)) {
        throw invalid(`pricing_analytics needs ${key}(<UNIX timestamp>).`);
      }
      return Number(value);
    };
    const start = instant('start');
    const end = instant('end');
    if (end <= start) throw invalid('pricing_analytics needs end after start.');
    const granularity = (query.get('granularity') ?? []).join(',').toUpperCase();
    if (granularity !== 'DAILY') {
      throw invalid(
        ['HALF_HOUR', 'MONTHLY'].includes(granularity)
          ? `The sandbox answers granularity DAILY only, not ${granularity}.`
          : 'pricing_analytics needs granularity(DAILY|HALF_HOUR|MONTHLY).',
      );
    }
    const upper = (key: string): Set<string> | undefined => {
      const values = query.get(key);
      return values && values.length > 0 ? new Set(values.map((value) => value.toUpperCase())) : undefined;
    };
    const dimensions = upper('dimensions') ?? new Set<string>();
    const unknown = [...dimensions].find((dimension) => !ANALYTICS_DIMENSIONS.has(dimension));
    if (unknown !== undefined) throw invalid(`Unknown dimension ${unknown}.`);
    const metrics = upper('metric_types') ?? new Set(['COST', 'VOLUME']);
    const unknownMetric = [...metrics].find((metric) => metric !== 'COST' && metric !== 'VOLUME');
    if (unknownMetric !== undefined) throw invalid(`Unknown metric type ${unknownMetric}.`);
    const phones = query.get('phone_numbers');
    const phoneFilter =
      phones && phones.length > 0 ? new Set(phones.map((phone) => phone.replace(/^\+/, ''))) : undefined;
    const countries = upper('country_codes');
    const categories = upper('pricing_categories');
    const types = upper('pricing_types');

    const groups = new Map<string, { point: Json; volume: number; costMicros: number }>();
    for (const record of sent) {
      if (record.outcome !== 'accepted' || record.pricing === undefined) continue;
      // read implies delivered: Meta sends only `read` when both happen together
      const delivered =
        record.statuses.find((status) => status.status === 'delivered') ??
        record.statuses.find((status) => status.status === 'read');
      if (delivered === undefined || delivered.timestamp < start || delivered.timestamp >= end) continue;
      const country = countryOf({ waId: record.waId, userId: record.userId });
      const category = record.pricing.category.toUpperCase().replace(/-/g, '_');
      const type = record.pricing.type.toUpperCase();
      if (phoneFilter && !phoneFilter.has(displayPhoneNumber)) continue;
      if (countries && !countries.has(country)) continue;
      if (categories && !categories.has(category)) continue;
      if (types && !types.has(type)) continue;
      const dayStart = delivered.timestamp - (delivered.timestamp % DAY_SECONDS);
      const point: Json = { start: dayStart, end: dayStart + DAY_SECONDS };
      if (dimensions.has('PHONE')) point.phone_number = displayPhoneNumber;
      if (dimensions.has('COUNTRY')) point.country = country;
      if (dimensions.has('PRICING_TYPE')) point.pricing_type = type;
      if (dimensions.has('PRICING_CATEGORY')) point.pricing_category = category;
      const key = JSON.stringify(point);
      let group = groups.get(key);
      if (!group) {
        group = { point, volume: 0, costMicros: 0 };
        groups.set(key, group);
      }
      group.volume += 1;
      if (options.pricingRate && type === 'REGULAR') {
        const rate = options.pricingRate(country, category.toLowerCase(), type.toLowerCase());
        if (!Number.isFinite(rate) || rate < 0) throw new Error('pricingRate must return a non-negative number');
        group.costMicros += Math.round(rate * 1_000_000);
      }
    }
    const withCost = options.pricingRate !== undefined && metrics.has('COST');
    const dataPoints = [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, { point, volume, costMicros }]) => ({
        ...point,
        ...(metrics.has('VOLUME') ? { volume } : {}),
        ...(withCost ? { cost: costMicros / 1_000_000 } : {}),
      }));
    log({ message: 'sandbox pricing analytics', start, end, points: dataPoints.length });
    return { pricing_analytics: { data: [{ data_points: dataPoints }] }, id: wabaId };
  };

  const snapshot = (): SandboxSentMessage[] =>
    sent.map((record) => ({ ...record, statuses: record.statuses.map((status) => ({ ...status })) }));

  const idle = async (): Promise<void> => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const method = req.method ?? 'GET';
    if (await media.route(req, res, path, method)) return;
    const send = SEND_PATH.exec(path);
    if (send && !path.startsWith('/sandbox/')) {
      if (method !== 'POST')
        throw graphError(400, 100, `(#100) Unsupported ${method} request.`, undefined, 'GraphMethodException');
      writeJson(res, 200, await handleSend(req, decodeURIComponent(send[2] ?? ''), await readBody(req)));
      return;
    }
    const node = NODE_PATH.exec(path);
    if (node) {
      if (method !== 'GET')
        throw graphError(400, 100, `(#100) Unsupported ${method} request.`, undefined, 'GraphMethodException');
      const fields = new URL(req.url ?? '/', 'http://sandbox').searchParams.get('fields');
      writeJson(res, 200, answerPricingAnalytics(req, decodeURIComponent(node[2] ?? ''), fields));
      return;
    }
    const user = USER_PATH.exec(path);
    if (user && method === 'POST') {
      writeJson(res, 200, await handleUserMessage(decodeURIComponent(user[1] ?? ''), await readBody(req)));
      return;
    }
    if (path === '/sandbox/faults' && method === 'POST') {
      writeJson(res, 200, handleFaults(await readBody(req)));
      return;
    }
    if (path === '/sandbox/faults' && method === 'DELETE') {
      faults.length = 0;
      writeJson(res, 200, { pending: [] });
      return;
    }
    if (path === '/sandbox/sent' && method === 'GET') {
      writeJson(res, 200, { messages: snapshot() });
      return;
    }
    if (path === '/sandbox/idle' && method === 'GET') {
      await idle();
      writeJson(res, 200, { idle: true });
      return;
    }
    throw sandboxError(404, 'NOT_FOUND', `The sandbox has no ${method} ${path}.`);
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      if (error instanceof HttpFailure) {
        writeJson(res, error.status, error.body, error.headers);
        return;
      }
      log({ level: 'ERROR', message: 'sandbox request failed', error: describe(error) });
      writeJson(res, 500, graphError(500, 1, '(#1) An unknown error occurred').body);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    idle,
    sent: snapshot,
    injectFault,
    close: async () => {
      closed = true;
      for (const entry of timers) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      timers.clear();
      for (const controller of inFlight) controller.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await idle();
    },
  };
};

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (isObject(cause) && typeof cause.code === 'string') return `${error.message} (${cause.code})`;
  return error.message;
}
