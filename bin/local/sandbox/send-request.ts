/**
 * How Meta reads the body of `POST /{version}/{phone-number-id}/messages`, as far as the sandbox
 * checks it (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages).
 *
 * On purpose this is not our send validator (functions/commons/send): the sandbox stands in for Meta
 * so that our validator can be tested against it, so it keeps Meta's own, coarser reading (its list
 * of message types, the content each type needs, a `to` that may carry +, spaces and dashes) and
 * never borrows the rules under test.
 */
import { BUSINESS_SCOPED_USER_ID, type UserIds } from '#domain/identity';
import { graphError, invalidParameter, type Json } from './errors';

/** Meta's limit on a text message body. */
export const MAX_TEXT = 4096;

/** Meta's message types and the shape of the object named after each: the contacts list is an array. */
const CONTENT_SHAPE: Readonly<Record<string, 'object' | 'array'>> = {
  text: 'object',
  template: 'object',
  image: 'object',
  audio: 'object',
  video: 'object',
  document: 'object',
  sticker: 'object',
  location: 'object',
  contacts: 'array',
  interactive: 'object',
  reaction: 'object',
};

export type SendRequest =
  /** mark-as-read: answered `{ success: true }`, nothing is sent */
  | { kind: 'read'; messageId: string; typing: boolean }
  | {
      kind: 'message';
      /** `to` (or `recipient`) as the request gave it */
      to: string;
      recipient: UserIds;
      type: string;
      /** for type template: what to look up in the business's templates */
      template?: { name: string; language: string };
      body: Json;
    };

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;

/**
 * A phone number as Meta reads `to`: digits with optional +, spaces, dashes, dots and parentheses,
 * 8 to 15 digits. Looser than a `wa_id` (#domain/identity), which is what Meta answers back.
 */
export const phoneDigits = (value: string): string | undefined => {
  if (!/^\+?[\d\s\-().]+$/.test(value)) return undefined;
  const digits = value.replace(/\D/g, '');
  return digits.length >= 8 && digits.length <= 15 ? digits : undefined;
};

/** A user named by phone number or by business-scoped user id; undefined when it is neither. */
export const recipientOf = (value: string): UserIds | undefined => {
  const id = value.trim();
  if (BUSINESS_SCOPED_USER_ID.test(id)) return { userId: id };
  const digits = phoneDigits(id);
  return digits === undefined ? undefined : { waId: digits };
};

export const isBusinessScopedUserId = (value: unknown): value is string =>
  typeof value === 'string' && BUSINESS_SCOPED_USER_ID.test(value);

/** The send as Meta reads it, or Meta's refusal (thrown as a SandboxFailure). */
export const readSendRequest = (body: Json): SendRequest => {
  if (body.messaging_product !== 'whatsapp') {
    throw graphError(400, 100, '(#100) The parameter messaging_product is required.');
  }
  if (body.status === 'read') {
    if (!nonEmpty(body.message_id)) throw graphError(400, 100, '(#100) The parameter message_id is required.');
    return { kind: 'read', messageId: body.message_id, typing: isObject(body.typing_indicator) };
  }
  // A business-scoped user id travels in `recipient`, a phone number in `to`.
  const to = body.to ?? body.recipient;
  if (!nonEmpty(to)) throw graphError(400, 100, '(#100) The parameter to is required.');
  const recipient = recipientOf(to);
  if (recipient === undefined) throw invalidParameter("Parameter 'to' is not a valid phone number or user id.");

  const type = body.type === undefined ? 'text' : body.type;
  const shape = typeof type === 'string' ? CONTENT_SHAPE[type] : undefined;
  if (typeof type !== 'string' || shape === undefined) {
    throw invalidParameter(`Parameter 'type' must be one of ${Object.keys(CONTENT_SHAPE).join(', ')}.`);
  }
  const content = body[type];
  const contentOk = shape === 'array' ? Array.isArray(content) && content.length > 0 : isObject(content);
  if (!contentOk) throw invalidParameter(`Parameter '${type}' is required for a message of type ${type}.`);

  const request: SendRequest = { kind: 'message', to, recipient, type, body };
  if (type === 'template' && isObject(content)) {
    const name = content.name;
    const language = isObject(content.language) ? content.language.code : undefined;
    if (!nonEmpty(name)) throw invalidParameter("Parameter 'template.name' is required.");
    if (!nonEmpty(language)) throw invalidParameter("Parameter 'template.language.code' is required.");
    request.template = { name, language };
  }
  if (type === 'text' && isObject(content)) {
    const text = content.body;
    if (!nonEmpty(text)) throw invalidParameter("Parameter 'text.body' is required.");
    if (text.length > MAX_TEXT) throw invalidParameter(`Parameter 'text.body' is longer than ${MAX_TEXT} characters.`);
  }
  return request;
};
