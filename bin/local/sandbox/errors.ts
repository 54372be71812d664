/**
 * What Meta answers when it refuses a request: Graph API error bodies with their HTTP status, as
 * documented at https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes and
 * https://developers.facebook.com/docs/graph-api/guides/error-handling. The sandbox's own control
 * endpoints (`/sandbox/...`) answer our error shape instead (`sandboxError`).
 */
import { randomBytes } from 'node:crypto';
import { MetaError } from '#domain/platform';

export type Json = Record<string, unknown>;

export type SandboxFaultMode = 'rate-limit' | 'pair-rate-limit' | 'server-error' | 'invalid-token';
export const FAULT_MODES: readonly SandboxFaultMode[] = [
  'rate-limit',
  'pair-rate-limit',
  'server-error',
  'invalid-token',
];

export interface Fault {
  mode: SandboxFaultMode;
  retryAfterSeconds?: number;
}

/** A refusal: the status, the body and any headers to answer with. Thrown by the model, answered by the endpoints. */
export class SandboxFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const fbtraceId = (): string => randomBytes(9).toString('base64url');

export const graphError = (
  status: number,
  code: number,
  message: string,
  details?: string,
  type = 'OAuthException',
): SandboxFailure =>
  new SandboxFailure(status, {
    error: {
      message,
      type,
      code,
      ...(details === undefined ? {} : { error_data: { messaging_product: 'whatsapp', details } }),
      fbtrace_id: fbtraceId(),
    },
  });

export const invalidParameter = (details: string): SandboxFailure =>
  graphError(400, 100, '(#100) Invalid parameter', details);

export const invalidToken = (): SandboxFailure =>
  graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');

export const unsupportedMethod = (method: string): SandboxFailure =>
  graphError(400, 100, `(#100) Unsupported ${method} request.`, undefined, 'GraphMethodException');

export const unsupportedGet = (id: string): SandboxFailure =>
  new SandboxFailure(400, {
    error: {
      message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33,
      fbtrace_id: fbtraceId(),
    },
  });

export const unknownTemplate = (name: string, language: string): SandboxFailure =>
  graphError(
    404,
    132001,
    '(#132001) Template name does not exist in the translation',
    `template name (${name}) does not exist in ${language}`,
  );

export const sandboxError = (status: number, code: string, message: string): SandboxFailure =>
  new SandboxFailure(status, { error: { code, message } });

export const invalidSandboxRequest = (message: string): SandboxFailure =>
  sandboxError(400, 'VALIDATION_ERROR', message);

/** Meta's answer for each injected fault, with Retry-After when the fault asks for one. */
export const faultFailure = (fault: Fault): SandboxFailure => {
  const failure = ((): SandboxFailure => {
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
  })();
  if (fault.retryAfterSeconds === undefined) return failure;
  return new SandboxFailure(failure.status, failure.body, { 'retry-after': String(fault.retryAfterSeconds) });
};

/** The error a `failed` status carries for a free-form message outside the window. */
export const RE_ENGAGEMENT = {
  code: MetaError.outsideWindow,
  title: 'Re-engagement message',
  message: 'Re-engagement message',
  error_data: {
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
};

/** The same refusal answered at once (the `outsideWindow: 'reject'` choice). */
export const reEngagementRefusal = (): SandboxFailure =>
  graphError(
    400,
    RE_ENGAGEMENT.code,
    `(#${RE_ENGAGEMENT.code}) Re-engagement message`,
    RE_ENGAGEMENT.error_data.details,
  );
