import * as v from 'valibot';
import { TEXT_BODY_LIMIT, characterCount } from '#domain/templates';
import { array, coded, isObject, object, oneOf, string } from './fields';
import { interactive } from './interactive';
import { location, media } from './media';
import { template } from './template-send';

/**
 * The message types of a send body, one declaration each: the object named by `type`, as Meta's
 * messages page describes it (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages).
 * Fields inside these objects that are not declared (Meta's newer options) are passed on unchanged.
 */

const textBody = (() => {
  const required = `required, a string of 1 to ${TEXT_BODY_LIMIT} characters`;
  return v.pipe(
    v.string(required),
    v.check((body) => body.trim() !== '', required),
    v.check(
      (body) => characterCount(body) <= TEXT_BODY_LIMIT,
      (issue) =>
        coded(
          'TEXT_TOO_LONG',
          `text.body is ${characterCount(String(issue.input))} characters; WhatsApp allows at most ${TEXT_BODY_LIMIT}`,
        ),
    ),
  );
})();

const NAME_PARTS = ['first_name', 'last_name', 'middle_name', 'prefix', 'suffix'] as const;

const listOf = (example: string) =>
  v.optional(
    v.array(
      v.custom<Record<string, unknown>>(isObject, `must be an array of objects like ${example}`),
      `must be an array of objects like ${example}`,
    ),
  );

const CARD = 'contact cards like {"name": {"formatted_name": "Ana Silva", "first_name": "Ana"}}';

const contactCard = object(
  {
    name: v.pipe(
      object(
        { formatted_name: string('the full name as shown') },
        'an object with formatted_name and first_name or last_name',
      ),
      v.check(
        (name) => NAME_PARTS.some((part) => typeof name[part] === 'string' && name[part].trim() !== ''),
        `needs at least one of ${NAME_PARTS.join(', ')} besides formatted_name`,
      ),
    ),
    phones: listOf('{"phone": "+16505551234", "type": "CELL"}'),
    emails: listOf('{"email": "ana@example.com", "type": "WORK"}'),
    urls: listOf('{"url": "https://example.com", "type": "WORK"}'),
    addresses: listOf('{"street": "1 Main St", "city": "Menlo Park", "country_code": "US"}'),
  },
  'a contact card like {"name": {"formatted_name": "Ana Silva", "first_name": "Ana"}}',
);

/** Each message type and the schema of its object; `template` comes second, as Meta lists it. */
export const MESSAGE_TYPES = {
  text: object(
    { body: textBody, preview_url: v.optional(oneOf([true, false], 'must be true or false')) },
    'an object like {"body": "Hello"}',
  ),
  template,
  image: media('image'),
  audio: media('audio'),
  video: media('video'),
  document: media('document'),
  sticker: media('sticker'),
  location,
  contacts: array(contactCard, 1, Infinity, CARD),
  interactive,
  reaction: object(
    {
      message_id: string('the wamid of the message to react to'),
      emoji: v.string('required, the emoji as a string, or "" to remove the reaction'),
    },
    'an object like {"message_id": "wamid.…", "emoji": "👍"}',
  ),
} satisfies Record<string, v.GenericSchema>;

export type SendType = keyof typeof MESSAGE_TYPES;
export const SEND_TYPES = Object.keys(MESSAGE_TYPES) as SendType[];
