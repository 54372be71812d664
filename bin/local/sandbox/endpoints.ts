/**
 * The sandbox over HTTP: Meta's Graph API paths and the sandbox's own control paths, each a thin
 * layer that checks the request, calls the model (model.ts) and answers. Only requests without an
 * `Origin` header, or from the sandbox's own origin, are answered: a web page open in the developer's
 * browser must not be able to post messages that the sandbox signs with the app secret.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { describeError } from '#graph/graph-request';
import { safeDecode } from '../api-gateway-event.ts';
import { BodyTooLarge, readBody, writeJson, writeJsonError, writeNotFound } from '../http.ts';
import {
  FAULT_MODES,
  graphError,
  invalidParameter,
  invalidSandboxRequest,
  invalidToken,
  SandboxFailure,
  unsupportedMethod,
  type Json,
  type SandboxFaultMode,
} from './errors';
import type { SandboxSentMessage } from './messages';
import type { MetaModel } from './model';
import { isBusinessScopedUserId, isObject, MAX_TEXT, nonEmpty, recipientOf } from './send-request';

const MAX_BODY_BYTES = 1024 * 1024;

export interface EndpointContext {
  model: MetaModel;
  /** the only bearer token the Graph paths accept */
  accessToken: string;
  /** the sandbox's own origin (`http://127.0.0.1:4010`), known once it listens */
  origin: () => string;
  /** posts the statuses of an accepted message in the background */
  postStatuses: (message: SandboxSentMessage) => void;
  /** posts a webhook the sandbox was asked for (a user's message, a health update); true when the engine took it */
  postInbound: (payload: Json, about: Record<string, unknown>) => Promise<boolean>;
  idle: () => Promise<void>;
  log: (entry: Record<string, unknown>) => void;
}

interface Call {
  req: IncomingMessage;
  url: URL;
  /** the path's captured segments, percent-decoded */
  params: string[];
  body: () => Promise<Buffer>;
}

type Handler = (call: Call) => Promise<Json> | Json;

interface Endpoint {
  pattern: RegExp;
  /** Meta's paths answer a wrong method with Graph's 400, ours with 404 */
  graph: boolean;
  methods: Partial<Record<string, Handler>>;
}

const jsonObject = (raw: Buffer, invalid: () => SandboxFailure): Json => {
  try {
    const value = JSON.parse(raw.length === 0 ? '{}' : raw.toString('utf8')) as unknown;
    if (isObject(value)) return value;
  } catch {
    // answered below
  }
  throw invalid();
};

const sandboxJson = (raw: Buffer): Json =>
  jsonObject(raw, () => invalidSandboxRequest('The body must be a JSON object.'));

const wholeNumber = (value: unknown, min: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min;

export const createEndpoints = (context: EndpointContext): RequestListener => {
  const { model } = context;
  const tokenDigest = createHash('sha256').update(context.accessToken).digest();
  const requireToken = (req: IncomingMessage): void => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const ok = match?.[1] !== undefined && timingSafeEqual(createHash('sha256').update(match[1]).digest(), tokenDigest);
    if (!ok) throw invalidToken();
  };

  const send: Handler = async ({ req, params, body }) => {
    requireToken(req);
    const raw = await body();
    const result = await model.send(
      params[1] ?? '',
      jsonObject(raw, () => invalidParameter('The request body is not a JSON object.')),
    );
    if (result.message) context.postStatuses(result.message);
    return result.answer;
  };

  const node: Handler = ({ req, params, url }) => {
    requireToken(req);
    return model.node(params[1] ?? '', url.searchParams.get('fields'));
  };

  /** `{ phoneNumberId, text, userId?, name? }`: answered once the inbound webhook was delivered (or dropped). */
  const userWrites: Handler = async ({ params, body }) => {
    const request = sandboxJson(await body());
    const { phoneNumberId, text, userId } = request;
    if (!nonEmpty(phoneNumberId)) {
      throw invalidSandboxRequest('phoneNumberId (the business number the user writes to) is required.');
    }
    const media = model.userMedia(request);
    if (media && 'error' in media) throw invalidSandboxRequest(String(media.error));
    if (!media && (!nonEmpty(text) || text.length > MAX_TEXT)) {
      throw invalidSandboxRequest(`text is required, at most ${MAX_TEXT} characters.`);
    }
    if (userId !== undefined && !isBusinessScopedUserId(userId)) {
      throw invalidSandboxRequest('userId must be a business-scoped user id such as US.1349120865530274.');
    }
    const ids = recipientOf(params[0] ?? '');
    if (ids === undefined) {
      throw invalidSandboxRequest('The path must name the user by phone number (wa_id) or user id.');
    }
    if (ids.waId !== undefined && userId !== undefined) ids.userId = userId;
    const name = nonEmpty(request.name) ? request.name : 'Sandbox User';
    const inbound = model.userWrites(
      ids,
      phoneNumberId,
      media ? { type: 'media', part: media } : { type: 'text', text: text as string },
      name,
    );
    // Answered once the engine has the webhook, so a send right after finds the window open.
    const delivered = await context.postInbound(inbound.payload, {
      kind: 'message',
      wamid: inbound.wamid,
      user: inbound.user,
    });
    return { id: inbound.wamid, timestamp: String(inbound.timestamp), delivered };
  };

  /** `{ mode, count?, retryAfterSeconds? }`: the next `count` sends fail as asked. */
  const queueFaults: Handler = async ({ body }) => {
    const request = sandboxJson(await body());
    const mode = request.mode as SandboxFaultMode;
    if (!FAULT_MODES.includes(mode)) throw invalidSandboxRequest(`mode must be one of ${FAULT_MODES.join(', ')}.`);
    const count = request.count ?? 1;
    if (!wholeNumber(count, 1) || count > model.faultRoom()) {
      throw invalidSandboxRequest(`count must be a whole number from 1 (at most ${model.faultRoom()} more queued).`);
    }
    const retryAfter = request.retryAfterSeconds;
    if (retryAfter !== undefined && !wholeNumber(retryAfter, 0)) {
      throw invalidSandboxRequest('retryAfterSeconds must be a whole number of seconds.');
    }
    model.queueFaults(mode, count, retryAfter);
    return { pending: model.pendingFaults() };
  };

  /**
   * `{ phoneNumberId, ...Meta's send body }`: the business writes from the WhatsApp Business app; the
   * echo webhook first, then the message's statuses as for a send. Answered once the echo was delivered.
   */
  const businessAppSends: Handler = async ({ body }) => {
    const { phoneNumberId, ...send } = sandboxJson(await body());
    if (!nonEmpty(phoneNumberId)) {
      throw invalidSandboxRequest('phoneNumberId (the business number the app sends from) is required.');
    }
    const { message, payload } = await model.businessAppSends(phoneNumberId, send);
    const delivered = await context.postInbound(payload, { kind: 'echo', wamid: message.id });
    if (delivered) context.postStatuses(message);
    return { id: message.id, delivered };
  };

  /** Meta's health webhooks for the sandbox's number and WABA: answered once the engine took them (or not). */
  const health =
    (kind: 'number-quality' | 'account-update'): Handler =>
    async ({ body }) => {
      const payload = model.healthWebhook(kind, sandboxJson(await body()));
      return { delivered: await context.postInbound(payload, { kind }) };
    };

  const templates = model.state.templates;
  const endpoints: Endpoint[] = [
    { pattern: /^\/(v\d+(?:\.\d+)?)\/([^/]+)\/messages$/, graph: true, methods: { POST: send } },
    {
      pattern: /^\/(v\d+(?:\.\d+)?)\/([^/]+)\/message_templates$/,
      graph: true,
      methods: {
        GET: ({ req, url }) => {
          requireToken(req);
          return templates.page(url, context.origin());
        },
      },
    },
    {
      pattern: /^\/sandbox\/templates$/,
      graph: false,
      methods: { POST: async ({ body }) => ({ ...templates.put(sandboxJson(await body())) }) },
    },
    {
      pattern: /^\/sandbox\/templates\/([^/]+)\/([^/]+)$/,
      graph: false,
      methods: { DELETE: ({ params }) => templates.remove(params[0] ?? '', params[1] ?? '') },
    },
    { pattern: /^\/(v\d+(?:\.\d+)?)\/([^/]+)$/, graph: true, methods: { GET: node } },
    { pattern: /^\/sandbox\/users\/([^/]+)\/messages$/, graph: false, methods: { POST: userWrites } },
    { pattern: /^\/sandbox\/business-app\/messages$/, graph: false, methods: { POST: businessAppSends } },
    { pattern: /^\/sandbox\/number-quality$/, graph: false, methods: { POST: health('number-quality') } },
    { pattern: /^\/sandbox\/account-update$/, graph: false, methods: { POST: health('account-update') } },
    {
      pattern: /^\/sandbox\/faults$/,
      graph: false,
      methods: {
        POST: queueFaults,
        DELETE: () => {
          model.clearFaults();
          return { pending: [] };
        },
      },
    },
    {
      pattern: /^\/sandbox\/sent$/,
      graph: false,
      methods: { GET: () => ({ messages: model.sent(), reads: model.state.reads.list() }) },
    },
    {
      pattern: /^\/sandbox\/idle$/,
      graph: false,
      methods: {
        GET: async () => {
          await context.idle();
          return { idle: true };
        },
      },
    },
  ];

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== context.origin()) {
      req.resume();
      writeJsonError(
        res,
        403,
        'ORIGIN_NOT_ALLOWED',
        `The sandbox answers only requests without an Origin header or from ${context.origin()}, not from ${origin}.`,
      );
      return;
    }
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = req.method ?? 'GET';
    // Meta's media paths (URLs, downloads, uploads) and the sandbox's media controls, past the Origin rule.
    if (await model.state.media.route(req, res, url.pathname, method)) return;
    for (const endpoint of endpoints) {
      const match = endpoint.pattern.exec(url.pathname);
      if (!match) continue;
      const handle = endpoint.methods[method];
      if (!handle) {
        if (endpoint.graph) throw unsupportedMethod(method);
        continue;
      }
      const params = match.slice(1).map((segment) => safeDecode(segment));
      writeJson(res, 200, await handle({ req, url, params, body: () => readBody(req, MAX_BODY_BYTES) }));
      return;
    }
    req.resume();
    writeNotFound(res, `The sandbox has no ${method} ${url.pathname}.`);
  };

  return (req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      if (error instanceof SandboxFailure) {
        writeJson(res, error.status, error.body, error.headers);
        return;
      }
      if (error instanceof BodyTooLarge) {
        writeJsonError(res, 413, 'PAYLOAD_TOO_LARGE', error.message);
        return;
      }
      context.log({ level: 'ERROR', message: 'sandbox request failed', error: describeError(error) });
      writeJson(res, 500, graphError(500, 1, '(#1) An unknown error occurred').body);
    });
  };
};
