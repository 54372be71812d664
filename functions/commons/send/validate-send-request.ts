import type { TemplateRequestComponent } from '#domain/templates';
import { parseOrThrow } from './schemas/fields';
import { sendBody, type ReadBody, type SendBody } from './schemas/send-body';
import type { SendType } from './schemas/messages';

export { SEND_LIMITS } from './schemas/media';
export { SEND_TYPES, type SendType } from './schemas/messages';
export { INTERACTIVE_TYPES } from './schemas/interactive';

/**
 * Reads the body of `POST /messages`: Meta's send body plus an optional `phoneNumberId`, checked
 * against the declarations in ./schemas (one per message type, interactive type, template
 * component and parameter type). The first problem found is thrown as a 400 ApiError whose message
 * starts with the field's path: VALIDATION_ERROR, or TEXT_TOO_LONG for a text body over 4,096
 * characters.
 */

export interface SendTemplate {
  name: string;
  /** the language code, e.g. en_US */
  language: string;
  /** the request's components, lower-case types, button indexes as strings; [] when none were sent */
  components: TemplateRequestComponent[];
}

export interface SendRequest {
  /** a wa_id (digits only, no '+'), a business-scoped user id, or a group id (`recipient_type: "group"`) */
  to: string;
  toKind: 'waId' | 'userId' | 'groupId';
  /** the sending business number, when the caller chose one */
  phoneNumberId?: string;
  type: SendType;
  /** only approved templates may be sent outside the customer service window */
  kind: 'template' | 'free-form';
  /** exactly what to POST to Meta's `/{phoneNumberId}/messages` */
  graphBody: Record<string, unknown>;
  template?: SendTemplate;
}

/** Meta's mark-as-read (with the typing indicator when asked): no message is sent. */
export interface ReadRequest {
  kind: 'read';
  /** the wamid of the user's message */
  messageId: string;
  phoneNumberId?: string;
  typing: boolean;
  /** exactly what to POST to Meta's `/{phoneNumberId}/messages` */
  graphBody: Record<string, unknown>;
}

interface ReadTemplate {
  name: string;
  language: { code: string } & Record<string, unknown>;
  components?: TemplateRequestComponent[];
}

/** A body with `status` is a read receipt (sendBody routes on it): it never has a message type. */
const isReadBody = (body: SendBody | ReadBody): body is ReadBody => (body as ReadBody).status === 'read';

/** Fields of our own that Meta never sees, and those the Graph body sets itself. */
const OURS = new Set(['phoneNumberId', 'to', 'recipient', 'type', 'context']);

/**
 * Validates and normalizes a `POST /messages` body; throws a 400 ApiError naming the first bad field.
 * What goes to Meta is the body as given (fields we do not know included), with `to` in Meta's form,
 * the type named, and only the normalisations Meta needs (a bare template language code as `{ code }`).
 */
export const validateSendRequest = (body: unknown): SendRequest | ReadRequest => {
  const parsed = parseOrThrow(sendBody, body);
  const given = body as Record<string, unknown>;
  if (isReadBody(parsed)) {
    const { phoneNumberId: _ours, ...graphBody } = given;
    return {
      kind: 'read',
      messageId: parsed.message_id,
      ...(parsed.phoneNumberId === undefined ? {} : { phoneNumberId: parsed.phoneNumberId }),
      typing: parsed.typing_indicator !== undefined,
      graphBody: { ...graphBody, messaging_product: 'whatsapp' },
    };
  }
  const read = parsed;
  const { to, toKind, type, phoneNumberId, context } = read;
  const asked = read.template as ReadTemplate | undefined;
  const template: SendTemplate | undefined =
    asked === undefined
      ? undefined
      : { name: asked.name, language: asked.language.code, components: asked.components ?? [] };
  const passedOn = Object.fromEntries(Object.entries(given).filter(([key]) => !OURS.has(key)));
  const graphBody: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    recipient_type: toKind === 'groupId' ? 'group' : 'individual',
    ...passedOn,
    // Meta prepends the business number's country code to a number without '+', so always send one.
    // A business-scoped user id goes in `recipient` (Meta's field for BSUIDs), not in `to`.
    ...(toKind === 'waId' ? { to: `+${to}` } : toKind === 'groupId' ? { to } : { recipient: to }),
    type,
    ...(type === 'template' ? { template: { ...(given.template as object), language: asked?.language } } : {}),
    ...(context === undefined ? {} : { context }),
  };
  return {
    to,
    toKind,
    ...(phoneNumberId === undefined ? {} : { phoneNumberId }),
    type,
    kind: type === 'template' ? 'template' : 'free-form',
    graphBody,
    ...(template === undefined ? {} : { template }),
  };
};
