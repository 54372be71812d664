import * as v from 'valibot';
import { parseRecipient, RECIPIENT_FORM, type UserIdKind } from '#domain/identity';
import { absent, coded, dispatch, isObject, matching, object, oneOf, strictObject, string } from './fields';
import { SEND_LIMITS } from './media';
import { MESSAGE_TYPES, SEND_TYPES, type SendType } from './messages';

/**
 * The whole body of `POST /messages`: Meta's send body plus an optional `phoneNumberId`, one option
 * per message type (`MESSAGE_TYPES`). Unknown top-level fields are refused: most likely typos.
 */

export interface Recipient {
  to: string;
  toKind: UserIdKind;
}

/** A JSON number is taken as the digits it writes (some callers send `16505551234` unquoted). */
const recipientOf = (value: unknown): Recipient | undefined => {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) value = String(value);
  if (typeof value !== 'string') return undefined;
  const recipient = parseRecipient(value);
  return recipient && { to: recipient.id, toKind: recipient.kind };
};

const recipient = v.pipe(
  v.custom<string | number>(
    (value) => recipientOf(value) !== undefined,
    coded('INVALID_RECIPIENT', `required, the user's phone number as ${RECIPIENT_FORM}`, true),
  ),
  v.transform((value) => recipientOf(value) as Recipient),
);

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;

const context = v.pipe(
  object(
    { message_id: string('the wamid of the message replied to') },
    'an object like {"message_id": "wamid.…"} (the message replied to)',
  ),
  // Only the message replied to goes on to Meta.
  v.transform((item) => ({ message_id: item.message_id })),
);

const COMMON = {
  to: recipient,
  phoneNumberId: v.optional(
    matching(
      /^\d{1,32}$/,
      'must be the sending business phone number id as a string of digits (e.g. "106540352242922"), or left out for the default',
    ),
  ),
  messaging_product: v.optional(oneOf(['whatsapp'], 'must be "whatsapp" or left out')),
  recipient_type: v.optional(
    oneOf(['individual'], 'must be "individual" or left out; group messages are not supported'),
  ),
};

const callbackData = v.optional(
  v.custom<string>(
    (data) => typeof data === 'string' && utf8Bytes(data) <= SEND_LIMITS.callbackData,
    `must be a string of at most ${SEND_LIMITS.callbackData} bytes, or left out`,
  ),
);

const unknownField = (type: SendType) => (key: string) =>
  (SEND_TYPES as string[]).includes(key)
    ? `not allowed when type is "${type}"; send only the ${type} object`
    : 'unknown field; a send body has to, type, the object named by type, and optionally context, ' +
      'biz_opaque_callback_data, recipient_type, messaging_product and phoneNumberId';

const option = (type: SendType) =>
  strictObject(
    {
      type: v.string(),
      ...COMMON,
      [type]: MESSAGE_TYPES[type],
      context: type === 'reaction' ? absent('a reaction cannot be a reply; leave context out') : v.optional(context),
      biz_opaque_callback_data: callbackData,
    },
    unknownField(type),
  );

export interface SendBody extends Recipient {
  type: SendType;
  phoneNumberId?: string;
  context?: { message_id: string };
  biz_opaque_callback_data?: string;
  [field: string]: unknown;
}

export const sendBody = v.pipe(
  v.custom<Record<string, unknown>>(
    isObject,
    'must be a JSON object like {"to": "+16505551234", "type": "text", "text": {"body": "Hello"}}',
  ),
  dispatch(
    'type',
    Object.fromEntries(SEND_TYPES.map((type) => [type, option(type)])),
    `required, one of ${SEND_TYPES.join(', ')}`,
  ),
  v.transform(({ to, ...rest }) => ({ ...rest, ...(to as Recipient) }) as SendBody),
);
