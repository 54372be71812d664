import { MetaError } from '#domain/platform';
import {
  CALL_RATE_LIMIT_CODES,
  graphUrl,
  isObject,
  isRetryable,
  optionalString,
  parseJson,
  parseRetryAfter,
  readGraphError,
  realSleep,
  requestGraph,
  RETRYABLE_META_CODES,
  outcomeOf,
  withoutSecret,
  type GraphError,
} from './graph-request';

/**
 * Client for Meta's Graph API send endpoint (`POST /{version}/{phone-number-id}/messages`,
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages). One call, one outcome: it retries what Meta calls temporary
 * (network errors, timeouts, 429, 5xx, throughput and maintenance codes) with full-jitter exponential
 * backoff, never other 4xx, and returns a result instead of throwing for anything Meta answers.
 *
 * The access token is read once per send, sent only in the Authorization header and scrubbed from
 * every text this module returns; the module never logs.
 */

export interface GraphClientOptions {
  /** e.g. https://graph.facebook.com, or the local sandbox's url; a trailing slash is ignored */
  baseUrl: string;
  /** e.g. v24.0 */
  apiVersion: string;
  /** read once per send (rotation is picked up on the next send) */
  accessToken: () => Promise<string>;
  /** per attempt, including reading the answer; default 5,000 ms */
  timeoutMs?: number;
  /** attempts in total, the first included; default 3 */
  maxAttempts?: number;
  /** backoff cap before the first retry, doubled for each next retry; default 250 ms */
  baseDelayMs?: number;
  /** the backoff cap never grows past this; default 4,000 ms */
  maxDelayMs?: number;
  /**
   * The longest Retry-After this client waits for inside one send; default 5,000 ms. When Meta asks
   * for longer, the client stops retrying and returns the failure with `retryAfterMs`, so the caller
   * can pass the wait on instead of holding a request open.
   */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** in [0, 1); the jitter source */
  random?: () => number;
  fetch?: typeof fetch;
}

export interface GraphSendSuccess {
  ok: true;
  wamid: string;
  /** Meta's `messages[0].message_status` (templates under pacing): accepted, held_for_quality_assessment */
  messageStatus?: string;
  waId?: string;
  /** business-scoped user id (`contacts[0].user_id`), BSUID era */
  userId?: string;
  attempts: number;
}

/**
 * `http`: Meta (or something in between) answered with an error status; `timeout`: no answer within
 * timeoutMs; `network`: the request failed before an answer; `invalid-response`: a 2xx without a
 * message id (not retried: the message may have been accepted).
 */
export type GraphFailureKind = 'http' | 'timeout' | 'network' | 'invalid-response';

export interface GraphSendFailure extends GraphError {
  ok: false;
  kind: GraphFailureKind;
  /** whether the last failure was a temporary one (true also when the attempts ran out) */
  retryable: boolean;
  attempts: number;
}

export type GraphSendResult = GraphSendSuccess | GraphSendFailure;

export interface GraphClient {
  sendMessage(phoneNumberId: string, body: Record<string, unknown>): Promise<GraphSendResult>;
  /** Meta's mark-as-read (`{ status: 'read', message_id, typing_indicator? }`), answered `{ success: true }`. */
  markRead(phoneNumberId: string, body: Record<string, unknown>): Promise<GraphReadResult>;
}

export type GraphReadResult = { ok: true; attempts: number } | GraphSendFailure;

export { parseRetryAfter, RETRYABLE_META_CODES };

const DEFAULTS = {
  timeoutMs: 5_000,
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 5_000,
};

type Attempt = GraphSendSuccessBase | GraphSendFailureBase;
type GraphSendSuccessBase = Omit<GraphSendSuccess, 'attempts'>;
type GraphSendFailureBase = Omit<GraphSendFailure, 'attempts'>;

const parseSuccess = (status: number, text: string): Attempt => {
  const body = parseJson(text);
  const message = isObject(body) && Array.isArray(body.messages) ? body.messages[0] : undefined;
  const wamid = isObject(message) ? optionalString(message.id) : undefined;
  if (!isObject(body) || wamid === undefined) {
    return {
      ok: false,
      kind: 'invalid-response',
      httpStatus: status,
      message: `The Graph API answered ${status} without a message id`,
      retryable: false,
    };
  }
  const contact = Array.isArray(body.contacts) ? body.contacts[0] : undefined;
  const result: GraphSendSuccessBase = { ok: true, wamid };
  const messageStatus = isObject(message) ? optionalString(message.message_status) : undefined;
  if (messageStatus !== undefined) result.messageStatus = messageStatus;
  if (isObject(contact)) {
    const waId = optionalString(contact.wa_id);
    const userId = optionalString(contact.user_id);
    if (waId !== undefined) result.waId = waId;
    if (userId !== undefined) result.userId = userId;
  }
  return result;
};

/** A mark-as-read answers `{ "success": true }` (https://developers.facebook.com/docs/whatsapp/cloud-api/guides/mark-message-as-read). */
const parseReadSuccess = (status: number, text: string): Attempt => {
  const body = parseJson(text);
  if (isObject(body) && body.success === true) return { ok: true, wamid: '' };
  return {
    ok: false,
    kind: 'invalid-response',
    httpStatus: status,
    message: `The Graph API answered ${status} without "success": true`,
    retryable: false,
  };
};

const parseFailure = (status: number, text: string, retryAfterMs: number | undefined): GraphSendFailureBase => {
  const failure = readGraphError(status, text, retryAfterMs);
  return { ok: false, kind: 'http', ...failure, retryable: isRetryable(failure) };
};

const scrub = (attempt: Attempt, token: string): Attempt => {
  if (attempt.ok) return attempt;
  const clean: GraphSendFailureBase = { ...attempt, message: withoutSecret(attempt.message, token) };
  if (clean.details !== undefined) clean.details = withoutSecret(clean.details, token);
  return clean;
};

export const createGraphClient = (options: GraphClientOptions): GraphClient => {
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? DEFAULTS.maxAttempts));
  const baseDelayMs = options.baseDelayMs ?? DEFAULTS.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? DEFAULTS.maxDelayMs;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? globalThis.fetch;

  /** Full jitter: a uniform wait between 0 and the capped exponential step. */
  const backoff = (retry: number): number => {
    const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
    const r = Math.min(1, Math.max(0, random()));
    return Math.floor(r * cap);
  };

  const attemptOnce = async (
    url: string,
    token: string,
    payload: string,
    parse: (status: number, text: string) => Attempt,
  ): Promise<Attempt> => {
    const answer = await requestGraph(
      doFetch,
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: payload,
      },
      timeoutMs,
    );
    return outcomeOf(answer, parse, parseFailure);
  };

  const postMessages = async (
    phoneNumberId: string,
    body: Record<string, unknown>,
    parse: (status: number, text: string) => Attempt,
  ): Promise<GraphSendResult> => {
    const url = graphUrl(options.baseUrl, options.apiVersion, phoneNumberId, 'messages');
    const payload = JSON.stringify(
      body.messaging_product === undefined ? { messaging_product: 'whatsapp', ...body } : body,
    );
    const token = await options.accessToken();
    for (let attempts = 1; ; attempts += 1) {
      const outcome = scrub(await attemptOnce(url, token, payload, parse), token);
      if (outcome.ok || !outcome.retryable || attempts >= maxAttempts) return { ...outcome, attempts };
      let wait = backoff(attempts);
      if (outcome.retryAfterMs !== undefined) {
        // Meta asked for a longer pause than one request may hold: hand it to the caller.
        if (outcome.retryAfterMs > maxRetryAfterMs) return { ...outcome, attempts };
        wait = outcome.retryAfterMs;
      }
      await sleep(wait);
    }
  };

  return {
    sendMessage: (phoneNumberId, body) => postMessages(phoneNumberId, body, parseSuccess),
    async markRead(phoneNumberId, body) {
      const result = await postMessages(phoneNumberId, body, parseReadSuccess);
      return result.ok ? { ok: true, attempts: result.attempts } : result;
    },
  };
};

/** Our API's error for a Graph API failure: `{ "error": { code, message } }` with status. */
export interface GraphApiError {
  status: number;
  code: string;
  message: string;
  /** for a Retry-After header on 503 answers */
  retryAfterSeconds?: number;
}

const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([130429, 131056, ...CALL_RATE_LIMIT_CODES]);
/** The retryable codes that are not rate limits: Meta is temporarily unavailable. */
const TEMPORARY_CODES: ReadonlySet<number> = new Set(
  [...RETRYABLE_META_CODES].filter((code) => !RATE_LIMIT_CODES.has(code)),
);

/** What to do next for Meta codes that need no code of their own (Meta's error code reference, above). */
const NEXT_STEP: Readonly<Record<number, string>> = {
  100: 'Meta found a parameter invalid: fix the field it names and send again.',
  131008: 'Meta found a required parameter missing: add it and send again.',
  131009: 'Meta found a parameter value invalid: fix it and send again.',
  131021: 'The recipient is the sending business number itself: send to another number.',
  131026:
    'The recipient cannot receive this message (not on WhatsApp, terms not accepted, or an old app): do not retry.',
  131048: 'Meta is limiting this number for spam: check its quality rating before sending more.',
  131049:
    'Meta held back this marketing message to keep engagement healthy: do not resend it to this user within 24 hours.',
  131050: 'The user stopped marketing messages from you: do not send marketing to them.',
  131051: 'Meta does not support this message type: send another type.',
  131042: 'There is a problem with the payment method of the WhatsApp Business account: fix it in Business Manager.',
  131053: 'Meta could not upload the media: check the media id or link and its type and size.',
  132015: 'The template is paused for low quality: edit it or use another template.',
  132016: 'The template is disabled for low quality: use another template.',
};

const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : Math.ceil(ms / 1000));

const metaRef = (result: GraphSendFailure): string => {
  const parts: string[] = [];
  if (result.code !== undefined) parts.push(`Meta error ${result.code}`);
  else if (result.httpStatus > 0) parts.push(`HTTP ${result.httpStatus}`);
  if (result.details !== undefined) parts.push(result.details.slice(0, 300));
  else parts.push(result.message.slice(0, 300));
  if (result.fbtraceId !== undefined) parts.push(`fbtrace_id ${result.fbtraceId}`);
  return parts.join(': ');
};

const tries = (attempts: number): string => `${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`;

/** Maps a failed send to our API's error, per issue 4; every message says what to do next. */
export const mapGraphError = (result: GraphSendFailure): GraphApiError => {
  const { code } = result;
  const withRetry = (error: GraphApiError, retryAfterSeconds: number | undefined): GraphApiError =>
    retryAfterSeconds === undefined ? error : { ...error, retryAfterSeconds };

  if (code === MetaError.outsideWindow) {
    return {
      status: 422,
      code: 'OUTSIDE_CUSTOMER_SERVICE_WINDOW',
      message:
        `Meta refused the message (error ${MetaError.outsideWindow}): more than 24 hours have passed since the ` +
        'user last wrote. Send an approved template message instead.',
    };
  }
  if (code === 132000) {
    return {
      status: 422,
      code: 'TEMPLATE_PARAMETER_MISMATCH',
      message: `Meta refused the template (${metaRef(result)}): the number of parameters does not match the template's variables. Send one parameter per placeholder in each component.`,
    };
  }
  if (code === 132001) {
    return {
      status: 422,
      code: 'TEMPLATE_NOT_FOUND',
      message: `Meta does not know this template in this language, or it is not approved (${metaRef(result)}). Check the name and language code, or register and get the template approved first.`,
    };
  }
  if (code === 132015 || code === 132016) {
    return { status: 422, code: 'TEMPLATE_NOT_APPROVED', message: `${NEXT_STEP[code]} (${metaRef(result)})` };
  }
  if (code === 190 || code === 0 || (code === undefined && result.httpStatus === 401)) {
    return {
      status: 502,
      code: 'META_ACCESS_TOKEN_INVALID',
      message: `The WhatsApp access token is invalid or expired (${metaRef(result)}). Nothing was sent: renew the system-user token and update the configured secret.`,
    };
  }
  if ((code !== undefined && RATE_LIMIT_CODES.has(code)) || result.httpStatus === 429) {
    const pair = code === 131056;
    return withRetry(
      {
        status: 503,
        code: 'META_RATE_LIMITED',
        message: pair
          ? `Meta's pair rate limit to this user was hit (${metaRef(result)}) after ${tries(result.attempts)}. Nothing was sent: wait before sending to this user again; other users are not affected.`
          : `Meta's rate limit was hit (${metaRef(result)}) after ${tries(result.attempts)}. Nothing was sent: slow down and retry later.`,
      },
      seconds(result.retryAfterMs) ?? (pair ? 6 : 1),
    );
  }
  if (
    result.kind === 'timeout' ||
    result.kind === 'network' ||
    result.httpStatus >= 500 ||
    (code !== undefined && TEMPORARY_CODES.has(code))
  ) {
    const what =
      result.kind === 'timeout' || result.kind === 'network'
        ? result.message
        : `Meta is temporarily unavailable (${metaRef(result)})`;
    return withRetry(
      {
        status: 503,
        code: 'META_UNAVAILABLE',
        message: `${what}; gave up after ${tries(result.attempts)}. Retry later${
          result.kind === 'timeout' ? ' (the message may have been sent: check its status before sending it anew)' : ''
        }.`,
      },
      seconds(result.retryAfterMs) ?? 5,
    );
  }
  const next =
    code !== undefined && NEXT_STEP[code] !== undefined
      ? NEXT_STEP[code]
      : 'Check the request against Meta\u2019s error code reference; retrying the same request will not help.';
  return {
    status: 502,
    code: 'META_ERROR',
    message: `Meta refused the message (${metaRef(result)}). ${next}`,
  };
};
