import * as v from 'valibot';
import { parseRecipient, RECIPIENT_FORM, type UserIdKind } from '#domain/identity';
import {
  absent,
  at,
  coded,
  dispatch,
  isObject,
  matching,
  object,
  oneOf,
  option,
  string,
  type JsonObject,
} from './fields';
import { SEND_LIMITS } from './media';
import { MESSAGE_TYPES, SEND_TYPES, type SendType } from './messages';

/**
 * The whole body of `POST /messages`: Meta's send body plus an optional `phoneNumberId`, one option
 * per message type (`MESSAGE_TYPES`), or Meta's mark-as-read body (`{ status: 'read', message_id }`).
 * Top-level fields not declared here are passed on to Meta (its newer options); only the object of a
 * type other than the one sent is refused (Meta reads the object named by `type`, nothing else).
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 */

export interface Recipient {
  to: string;
  /** `groupId`: a group of Meta's Groups API (`recipient_type: "group"`) */
  toKind: UserIdKind | 'groupId';
}

/**
 * Meta's group messaging (https://developers.facebook.com/documentation/business-messaging/whatsapp/groups/groups-messaging/):
 * `recipient_type: "group"` with the group id the Groups API gave in `to` (not a phone number), for
 * text, media and template messages only.
 */
export const GROUP_TYPES = ['text', 'image', 'audio', 'video', 'document', 'template'] as const satisfies SendType[];
const GROUP_ID = /^[A-Za-z0-9_=-]{8,256}$/;

const groupRecipient = v.pipe(
  v.custom<string>(
    (value) => typeof value === 'string' && GROUP_ID.test(value),
    coded(
      'INVALID_RECIPIENT',
      'required, the group id the Groups API returned (letters, digits, "_", "-", "="; e.g. "Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD")',
      true,
    ),
  ),
  v.transform((value): Recipient => ({ to: value, toKind: 'groupId' })),
);

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

const phoneNumberId = v.optional(
  matching(
    /^\d{1,32}$/,
    'must be the sending business phone number id as a string of digits (e.g. "106540352242922"), or left out for the default',
  ),
);
const messagingProduct = v.optional(oneOf(['whatsapp'], 'must be "whatsapp" or left out'));

const callbackData = v.optional(
  v.custom<string>(
    (data) => typeof data === 'string' && utf8Bytes(data) <= SEND_LIMITS.callbackData,
    `must be a string of at most ${SEND_LIMITS.callbackData} bytes, or left out`,
  ),
);

/** Meta reads only the object named by `type`: another one is a mistake, not an option. */
const onlyItsObject = (type: SendType) =>
  v.rawCheck<JsonObject>(({ dataset, addIssue }) => {
    const other = SEND_TYPES.find((key) => key !== type && Object.hasOwn(dataset.value as object, key));
    if (other !== undefined) {
      addIssue({ message: `not allowed when type is "${type}"; send only the ${type} object`, path: at(other) });
    }
  });

const messageOption = (type: SendType, group = false) =>
  v.pipe(
    v.custom<JsonObject>(isObject),
    onlyItsObject(type),
    option(
      {
        type: v.string(),
        // Groups are addressed by the group id of Meta's Groups API, not by a user's number.
        to: group ? groupRecipient : recipient,
        phoneNumberId,
        messaging_product: messagingProduct,
        recipient_type: v.optional(oneOf(['individual', 'group'], 'must be "individual", "group" or left out')),
        [type]: MESSAGE_TYPES[type],
        context: type === 'reaction' ? absent('a reaction cannot be a reply; leave context out') : v.optional(context),
        biz_opaque_callback_data: callbackData,
      },
      'a JSON object',
    ),
  );

/**
 * Meta's mark-as-read, optionally with the typing indicator: the wamid of the user's message
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/typing-indicators).
 */
const readReceipt = option(
  {
    status: v.string(),
    message_id: string("the wamid of the user's message to mark as read"),
    phoneNumberId,
    messaging_product: messagingProduct,
    typing_indicator: v.optional(
      object({ type: oneOf(['text'], 'must be "text"') }, 'an object like {"type": "text"}, or left out'),
    ),
  },
  'a JSON object',
);

/**
 * Meta defaults a missing `type` to text; a body that names no type but carries exactly one
 * message object (as one of Meta's own reference examples does) is read as that type.
 */
const typeOf = (body: JsonObject): unknown => {
  if (body.type !== undefined) return body.type;
  const given = SEND_TYPES.filter((type) => Object.hasOwn(body, type));
  return given.length === 1 ? given[0] : 'text';
};

export interface SendBody extends Recipient {
  type: SendType;
  phoneNumberId?: string;
  context?: { message_id: string };
  biz_opaque_callback_data?: string;
  [field: string]: unknown;
}

export interface ReadBody {
  status: 'read';
  message_id: string;
  phoneNumberId?: string;
  typing_indicator?: { type: 'text' };
}

const STATUSES = 'must be "read" (mark a message as read), or left out to send a message';

const messageBody = v.pipe(
  dispatch(
    'type',
    Object.fromEntries(SEND_TYPES.map((type) => [type, messageOption(type)])),
    `required, one of ${SEND_TYPES.join(', ')}`,
  ),
  v.transform(({ to, ...rest }): SendBody | ReadBody => ({ ...rest, ...(to as Recipient) }) as SendBody),
);

/** Meta sends text, media and templates to a group; other types are refused as Meta would. */
const groupBody = v.pipe(
  dispatch(
    'type',
    Object.fromEntries(GROUP_TYPES.map((type) => [type, messageOption(type, true)])),
    `one of ${GROUP_TYPES.join(', ')}: Meta's group messaging takes text, media and template messages only`,
  ),
  v.transform(({ to, ...rest }): SendBody | ReadBody => ({ ...rest, ...(to as Recipient) }) as SendBody),
);

const readBody = v.pipe(
  v.looseObject({ status: oneOf(['read'], STATUSES) }, STATUSES),
  readReceipt,
  v.transform((read): SendBody | ReadBody => read as unknown as ReadBody),
);

/** A message to send, or (with `status`) a read receipt. */
export const sendBody = v.pipe(
  v.custom<JsonObject>(
    isObject,
    'must be a JSON object like {"to": "+16505551234", "type": "text", "text": {"body": "Hello"}}',
  ),
  v.transform((body): JsonObject => (body.status === undefined ? { ...body, type: typeOf(body) } : body)),
  v.lazy((input) => {
    const body = input as JsonObject;
    if (body.status !== undefined) return readBody;
    return body.recipient_type === 'group' ? groupBody : messageBody;
  }),
);
