import type { TemplateRequestComponent } from '#domain/templates';
import { parseOrThrow } from './schemas/fields';
import { sendBody } from './schemas/send-body';
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
  /** a wa_id (digits only, no '+') or a business-scoped user id */
  to: string;
  toKind: 'waId' | 'userId';
  /** the sending business number, when the caller chose one */
  phoneNumberId?: string;
  type: SendType;
  /** only approved templates may be sent outside the customer service window */
  kind: 'template' | 'free-form';
  /** exactly what to POST to Meta's `/{phoneNumberId}/messages` */
  graphBody: Record<string, unknown>;
  template?: SendTemplate;
}

interface ReadTemplate {
  name: string;
  language: { code: string } & Record<string, unknown>;
  components?: TemplateRequestComponent[];
}

/** Validates and normalizes a `POST /messages` body; throws a 400 ApiError naming the first bad field. */
export const validateSendRequest = (body: unknown): SendRequest => {
  const read = parseOrThrow(sendBody, body);
  const { to, toKind, type, phoneNumberId, context, biz_opaque_callback_data: callbackData } = read;
  const given = read.template as ReadTemplate | undefined;
  const template: SendTemplate | undefined =
    given === undefined
      ? undefined
      : { name: given.name, language: given.language.code, components: given.components ?? [] };
  const graphBody: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    // Meta prepends the business number's country code to a number without '+', so always send one.
    // A business-scoped user id goes in `recipient` (Meta's field for BSUIDs), not in `to`.
    ...(toKind === 'waId' ? { to: `+${to}` } : { recipient: to }),
    type,
    [type]: read[type],
    ...(context === undefined ? {} : { context }),
    ...(callbackData === undefined ? {} : { biz_opaque_callback_data: callbackData }),
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
