import {
  LANGUAGE_CODE,
  TEMPLATE_NAME,
  TEXT_BODY_LIMIT,
  characterCount,
  type TemplateParameter,
  type TemplateRequestComponent,
} from '#domain/templates';
import { badRequest, type ApiError } from '#http/errors';

/**
 * Reads the body of `POST /messages`: Meta's send body (whatsapp-platform.md §4) plus an optional
 * `phoneNumberId`. Hand-written readers (no schema library: it would add 430 KB to the send Lambda).
 * The first problem found is thrown as a 400 ApiError whose message starts with the field's path:
 * VALIDATION_ERROR, or TEXT_TOO_LONG for a text body over 4,096 characters.
 *
 * Fields inside the message objects that are not checked here (Meta's newer options) are passed on to
 * Meta unchanged; unknown top-level fields are refused, since they are most likely typos.
 */

export const SEND_TYPES = [
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
] as const;

export type SendType = (typeof SEND_TYPES)[number];

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

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const invalid = (path: string, what: string): ApiError => badRequest('VALIDATION_ERROR', `${path}: ${what}`);

/** Limits from Meta's message pages (whatsapp-platform.md §4.2). */
export const SEND_LIMITS = {
  caption: 1024,
  callbackData: 512,
  buttons: { count: 3, title: 20, id: 256, body: 1024, footer: 60, header: 60 },
  list: { button: 20, sections: 10, rows: 10, sectionTitle: 24, rowTitle: 24, rowId: 200, description: 72, body: 4096 },
  ctaUrl: { displayText: 20 },
} as const;

const PHONE_NUMBER = /^\+?\d{7,15}$/;
/** `US.13491208655302741918`; the length cap matches the webhook side (domain/identity.ts). */
const USER_ID = /^[A-Z]{2}\.[A-Za-z0-9.]{1,120}$/;
const PHONE_NUMBER_ID = /^\d{1,32}$/;

// ---------------------------------------------------------------- small readers (throw on the first problem)

const readObject = (value: unknown, path: string, what: string): JsonObject => {
  if (!isObject(value)) throw invalid(path, `required, ${what}`);
  return value;
};

interface TextRule {
  max: number;
  /** what the value is, for the message; default "a string" */
  what?: string;
}

/** A non-blank string of at most `max` characters (code points). */
const readText = (value: unknown, path: string, rule: TextRule): string => {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(path, `required, ${rule.what ?? 'a string'} of 1 to ${rule.max} characters`);
  }
  const length = characterCount(value);
  if (length > rule.max) throw invalid(path, `is ${length} characters; at most ${rule.max}`);
  return value;
};

const readOptionalText = (value: unknown, path: string, rule: TextRule): string | undefined =>
  value === undefined ? undefined : readText(value, path, rule);

/** A non-blank string where Meta sets no length limit of its own. */
const readString = (value: unknown, path: string, what: string): string => {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(path, `required, ${what}`);
  return value;
};

const readArray = (value: unknown, path: string, min: number, max: number, what: string): unknown[] => {
  if (!Array.isArray(value) || value.length < min || value.length > max) {
    const count = Array.isArray(value) ? `; it has ${value.length}` : '';
    const size = max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw invalid(path, `required, an array of ${size} ${what}${count}`);
  }
  return value;
};

const isHttpsUrl = (value: unknown): value is string => {
  if (typeof value !== 'string' || /\s/.test(value)) return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
};

const readNumberIn = (value: unknown, path: string, min: number, max: number): number => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(path, `required, a number from ${min} to ${max}`);
  }
  return value;
};

const oneOf = <T extends string>(value: unknown, options: readonly T[]): T | undefined =>
  options.find((option) => option === value);

// ---------------------------------------------------------------- recipient

const readRecipient = (value: unknown): { to: string; toKind: 'waId' | 'userId' } => {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) value = String(value);
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (USER_ID.test(trimmed)) return { to: trimmed, toKind: 'userId' };
    const compact = trimmed.replace(/[\s-]/g, '');
    if (PHONE_NUMBER.test(compact)) return { to: compact.replace('+', ''), toKind: 'waId' };
  }
  throw invalid(
    'to',
    "required, the user's phone number in international format with its country code (7 to 15 digits, " +
      'e.g. +16505551234) or their business-scoped user id (e.g. US.13491208655302741918)',
  );
};

// ---------------------------------------------------------------- media, location, contacts, reaction

const CAPTIONED_MEDIA = new Set(['image', 'video', 'document']);

/** `{ id }` or `{ link: 'https://…' }`, a caption for image, video and document, a filename for document. */
const readMedia = (value: unknown, path: string, kind: string, allowCaption: boolean): JsonObject => {
  const media = readObject(value, path, 'an object with id (an uploaded media id) or link (an https:// URL)');
  const hasId = media.id !== undefined;
  const hasLink = media.link !== undefined;
  if (hasId === hasLink) {
    throw invalid(path, 'give exactly one of id (an uploaded media id) or link (an https:// URL)');
  }
  if (hasId && (typeof media.id !== 'string' || media.id.trim() === '')) {
    throw invalid(`${path}.id`, 'must be the media id Meta returned for the upload, as a string');
  }
  if (hasLink && !isHttpsUrl(media.link)) throw invalid(`${path}.link`, 'must be an https:// URL');
  if (media.caption !== undefined) {
    if (!allowCaption) throw invalid(`${path}.caption`, `this ${kind} takes no caption; leave it out`);
    if (!CAPTIONED_MEDIA.has(kind)) {
      throw invalid(`${path}.caption`, `${kind} takes no caption; captions are for image, video and document messages`);
    }
    readText(media.caption, `${path}.caption`, { max: SEND_LIMITS.caption });
  }
  if (media.filename !== undefined) {
    if (kind !== 'document') throw invalid(`${path}.filename`, 'only a document takes a filename');
    readString(media.filename, `${path}.filename`, 'the file name shown to the user, e.g. invoice.pdf');
  }
  return { ...media };
};

const readLocation = (value: unknown, path: string): JsonObject => {
  const location = readObject(
    value,
    path,
    'an object with latitude and longitude, e.g. {"latitude": 52.52, "longitude": 13.4}',
  );
  readNumberIn(location.latitude, `${path}.latitude`, -90, 90);
  readNumberIn(location.longitude, `${path}.longitude`, -180, 180);
  for (const field of ['name', 'address'] as const) {
    if (location[field] !== undefined) readString(location[field], `${path}.${field}`, 'a string, or left out');
  }
  return { ...location };
};

const NAME_PARTS = ['first_name', 'last_name', 'middle_name', 'prefix', 'suffix'] as const;
const CONTACT_LISTS = {
  phones: '{"phone": "+16505551234", "type": "CELL"}',
  emails: '{"email": "ana@example.com", "type": "WORK"}',
  urls: '{"url": "https://example.com", "type": "WORK"}',
  addresses: '{"street": "1 Main St", "city": "Menlo Park", "country_code": "US"}',
} as const;

const readContacts = (value: unknown, path: string): unknown[] => {
  const contacts = readArray(
    value,
    path,
    1,
    Infinity,
    'contact cards like {"name": {"formatted_name": "Ana Silva", "first_name": "Ana"}}',
  );
  contacts.forEach((item, index) => {
    const at = `${path}[${index}]`;
    const contact = readObject(
      item,
      at,
      'a contact card like {"name": {"formatted_name": "Ana Silva", "first_name": "Ana"}}',
    );
    const name = readObject(contact.name, `${at}.name`, 'an object with formatted_name and first_name or last_name');
    readString(name.formatted_name, `${at}.name.formatted_name`, 'the full name as shown');
    const hasPart = (part: string): boolean => {
      const given = name[part];
      return typeof given === 'string' && given.trim() !== '';
    };
    if (!NAME_PARTS.some(hasPart)) {
      throw invalid(`${at}.name`, `needs at least one of ${NAME_PARTS.join(', ')} besides formatted_name`);
    }
    for (const [list, example] of Object.entries(CONTACT_LISTS)) {
      const entries = contact[list];
      if (entries !== undefined && (!Array.isArray(entries) || !entries.every(isObject))) {
        throw invalid(`${at}.${list}`, `must be an array of objects like ${example}`);
      }
    }
  });
  return contacts;
};

const readReaction = (value: unknown, path: string): JsonObject => {
  const reaction = readObject(value, path, 'an object like {"message_id": "wamid.…", "emoji": "👍"}');
  readString(reaction.message_id, `${path}.message_id`, 'the wamid of the message to react to');
  if (typeof reaction.emoji !== 'string') {
    throw invalid(`${path}.emoji`, 'required, the emoji as a string, or "" to remove the reaction');
  }
  return { ...reaction };
};

// ---------------------------------------------------------------- interactive

export const INTERACTIVE_TYPES = [
  'button',
  'list',
  'cta_url',
  'flow',
  'product',
  'product_list',
  'catalog_message',
  'location_request_message',
  'address_message',
  'call_permission_request',
  'voice_call',
] as const;

/** The header kinds each interactive type takes; types not listed take no header. */
const HEADER_KINDS: Partial<Record<(typeof INTERACTIVE_TYPES)[number], readonly string[]>> = {
  button: ['text', 'image', 'video', 'document'],
  cta_url: ['text', 'image', 'video', 'document'],
  list: ['text'],
  flow: ['text'],
  product_list: ['text'],
};

const readInteractiveHeader = (value: unknown, path: string, kinds: readonly string[]): void => {
  const header = readObject(value, path, `an object with type (${kinds.join(', ')}) and its content`);
  const kind = oneOf(header.type, kinds);
  if (kind === undefined) throw invalid(`${path}.type`, `required, one of ${kinds.join(', ')}`);
  if (kind === 'text') {
    readText(header.text, `${path}.text`, { max: SEND_LIMITS.buttons.header });
  } else {
    readMedia(header[kind], `${path}.${kind}`, kind, false);
  }
};

const readReplyButtons = (action: JsonObject, path: string): void => {
  const limits = SEND_LIMITS.buttons;
  const buttons = readArray(action.buttons, `${path}.buttons`, 1, limits.count, 'reply buttons');
  const titles = new Set<string>();
  buttons.forEach((item, index) => {
    const at = `${path}.buttons[${index}]`;
    const button = readObject(
      item,
      at,
      'a reply button like {"type": "reply", "reply": {"id": "yes", "title": "Yes"}}',
    );
    if (button.type !== 'reply') throw invalid(`${at}.type`, 'must be "reply"');
    const reply = readObject(button.reply, `${at}.reply`, 'an object with id and title');
    readText(reply.id, `${at}.reply.id`, { max: limits.id });
    const title = readText(reply.title, `${at}.reply.title`, { max: limits.title });
    if (titles.has(title))
      throw invalid(`${at}.reply.title`, `"${title}" is already used; button titles must be unique`);
    titles.add(title);
  });
};

const readListAction = (action: JsonObject, path: string): void => {
  const limits = SEND_LIMITS.list;
  readText(action.button, `${path}.button`, {
    max: limits.button,
    what: 'the label of the button that opens the list',
  });
  const sections = readArray(action.sections, `${path}.sections`, 1, limits.sections, 'sections');
  const rowIds = new Set<string>();
  let rowCount = 0;
  sections.forEach((item, index) => {
    const at = `${path}.sections[${index}]`;
    const section = readObject(item, at, 'a section like {"title": "Sizes", "rows": [{"id": "s", "title": "Small"}]}');
    if (sections.length > 1 || section.title !== undefined) {
      readText(section.title, `${at}.title`, {
        max: limits.sectionTitle,
        what: 'a section title (required with several sections)',
      });
    }
    const rows = readArray(section.rows, `${at}.rows`, 1, limits.rows, 'rows');
    rows.forEach((rowItem, rowIndex) => {
      const rowAt = `${at}.rows[${rowIndex}]`;
      const row = readObject(rowItem, rowAt, 'a row like {"id": "s", "title": "Small"}');
      const id = readText(row.id, `${rowAt}.id`, { max: limits.rowId });
      if (rowIds.has(id))
        throw invalid(`${rowAt}.id`, `"${id}" is already used; row ids must be unique in the message`);
      rowIds.add(id);
      readText(row.title, `${rowAt}.title`, { max: limits.rowTitle });
      readOptionalText(row.description, `${rowAt}.description`, { max: limits.description });
    });
    rowCount += rows.length;
  });
  if (rowCount > limits.rows) {
    throw invalid(`${path}.sections`, `at most ${limits.rows} rows in all sections together; it has ${rowCount}`);
  }
};

const readNamedAction = (action: JsonObject, path: string, name: string): void => {
  if (action.name !== name) throw invalid(`${path}.name`, `must be "${name}"`);
};

const readInteractive = (value: unknown, path: string): JsonObject => {
  const interactive = readObject(value, path, 'an object with type, body and action');
  const type = oneOf(interactive.type, INTERACTIVE_TYPES);
  if (type === undefined) throw invalid(`${path}.type`, `required, one of ${INTERACTIVE_TYPES.join(', ')}`);

  const headerKinds = HEADER_KINDS[type];
  if (type === 'product_list' || interactive.header !== undefined) {
    if (headerKinds === undefined) throw invalid(`${path}.header`, `a ${type} message takes no header; leave it out`);
    readInteractiveHeader(interactive.header, `${path}.header`, headerKinds);
  }
  if (type !== 'product' || interactive.body !== undefined) {
    const body = readObject(interactive.body, `${path}.body`, 'an object like {"text": "…"}');
    const max = type === 'list' ? SEND_LIMITS.list.body : SEND_LIMITS.buttons.body;
    readText(body.text, `${path}.body.text`, { max });
  }
  if (interactive.footer !== undefined) {
    const footer = readObject(interactive.footer, `${path}.footer`, 'an object like {"text": "…"}');
    readText(footer.text, `${path}.footer.text`, { max: SEND_LIMITS.buttons.footer });
  }

  const action = readObject(interactive.action, `${path}.action`, `the ${type} message's action object`);
  const actionPath = `${path}.action`;
  if (type === 'button') readReplyButtons(action, actionPath);
  if (type === 'list') readListAction(action, actionPath);
  if (type === 'cta_url') {
    readNamedAction(action, actionPath, 'cta_url');
    const parameters = readObject(action.parameters, `${actionPath}.parameters`, 'an object with display_text and url');
    readText(parameters.display_text, `${actionPath}.parameters.display_text`, { max: SEND_LIMITS.ctaUrl.displayText });
    if (!isHttpsUrl(parameters.url)) throw invalid(`${actionPath}.parameters.url`, 'required, an https:// URL');
  }
  if (type === 'flow') {
    readNamedAction(action, actionPath, 'flow');
    readObject(
      action.parameters,
      `${actionPath}.parameters`,
      'an object with the flow_id or flow_name, flow_cta and flow_message_version',
    );
  }
  if (type === 'location_request_message') readNamedAction(action, actionPath, 'send_location');
  return { ...interactive };
};

// ---------------------------------------------------------------- template

const COMPONENT_TYPES = ['header', 'body', 'button'] as const;
const BUTTON_INDEX = /^\d$/;
const NAMED_PARAMETER = /^[a-z_][a-z0-9_]*$/;

const readParameter = (value: unknown, path: string): TemplateParameter => {
  const parameter = readObject(value, path, 'a parameter like {"type": "text", "text": "Jessica"}');
  const type = parameter.type;
  if (typeof type !== 'string' || type === '') {
    throw invalid(
      `${path}.type`,
      'required, e.g. text, currency, date_time, image, document, video, location, payload',
    );
  }
  if (parameter.parameter_name !== undefined) {
    if (typeof parameter.parameter_name !== 'string' || !NAMED_PARAMETER.test(parameter.parameter_name)) {
      throw invalid(
        `${path}.parameter_name`,
        'must be the variable name without braces, e.g. first_name for {{first_name}}',
      );
    }
  }
  if (type === 'text') {
    // Variable values are not limited here: Meta's template limits do not count them.
    if (typeof parameter.text !== 'string' || parameter.text === '') {
      throw invalid(`${path}.text`, 'required, the non-empty value of the variable');
    }
  } else if (type === 'currency') {
    const currency = readObject(
      parameter.currency,
      `${path}.currency`,
      'an object with fallback_value, code and amount_1000',
    );
    readString(currency.fallback_value, `${path}.currency.fallback_value`, 'the text shown, e.g. $100.99');
    if (typeof currency.code !== 'string' || !/^[A-Z]{3}$/.test(currency.code)) {
      throw invalid(`${path}.currency.code`, 'required, an ISO 4217 currency code like USD');
    }
    if (!Number.isSafeInteger(currency.amount_1000)) {
      throw invalid(
        `${path}.currency.amount_1000`,
        'required, the amount times 1000 as an integer, e.g. 100990 for 100.99',
      );
    }
  } else if (type === 'date_time') {
    const dateTime = readObject(parameter.date_time, `${path}.date_time`, 'an object with fallback_value');
    readString(
      dateTime.fallback_value,
      `${path}.date_time.fallback_value`,
      'the date as shown, e.g. February 25, 1977',
    );
  } else if (type === 'image' || type === 'video' || type === 'document') {
    readMedia(parameter[type], `${path}.${type}`, type, false);
  } else if (type === 'location') {
    readLocation(parameter.location, `${path}.location`);
  } else if (type === 'payload' || type === 'coupon_code') {
    readString(
      parameter[type],
      `${path}.${type}`,
      `the ${type === 'payload' ? 'payload echoed back on a tap' : 'code to copy'}`,
    );
  } else if (type === 'action') {
    readObject(parameter.action, `${path}.action`, 'the button action object');
  }
  return { ...parameter, type };
};

const readTemplateComponent = (value: unknown, path: string): TemplateRequestComponent => {
  const component = readObject(
    value,
    path,
    'a component like {"type": "body", "parameters": [{"type": "text", "text": "…"}]}',
  );
  const type = oneOf(typeof component.type === 'string' ? component.type.toLowerCase() : undefined, COMPONENT_TYPES);
  if (type === undefined) throw invalid(`${path}.type`, `required, one of ${COMPONENT_TYPES.join(', ')}`);
  const parameters =
    component.parameters === undefined
      ? []
      : readArray(component.parameters, `${path}.parameters`, 0, 100, 'parameters').map((parameter, index) =>
          readParameter(parameter, `${path}.parameters[${index}]`),
        );
  const read: TemplateRequestComponent = { type, parameters };
  if (type === 'button') {
    if (typeof component.sub_type !== 'string' || !/^[a-z_]+$/.test(component.sub_type)) {
      throw invalid(`${path}.sub_type`, 'required for a button, e.g. quick_reply, url, copy_code or flow');
    }
    const index = typeof component.index === 'number' ? String(component.index) : component.index;
    if (typeof index !== 'string' || !BUTTON_INDEX.test(index)) {
      throw invalid(`${path}.index`, 'required for a button, its position in the template from "0" to "9"');
    }
    read.sub_type = component.sub_type;
    read.index = index;
  }
  return read;
};

const readTemplate = (value: unknown, path: string): { graph: JsonObject; template: SendTemplate } => {
  const template = readObject(
    value,
    path,
    'an object like {"name": "order_confirmation", "language": {"code": "en_US"}}',
  );
  if (typeof template.name !== 'string' || !TEMPLATE_NAME.test(template.name)) {
    throw invalid(`${path}.name`, "required, the template's name: lower-case letters, digits and underscores");
  }
  const language = typeof template.language === 'string' ? { code: template.language } : template.language;
  const languageExample = 'an object like {"code": "en_US"}';
  const languageObject = readObject(language, `${path}.language`, languageExample);
  if (typeof languageObject.code !== 'string' || !LANGUAGE_CODE.test(languageObject.code)) {
    throw invalid(`${path}.language.code`, 'required, the template language code, e.g. en, en_US or pt_BR');
  }
  if (languageObject.policy !== undefined && languageObject.policy !== 'deterministic') {
    throw invalid(`${path}.language.policy`, 'must be "deterministic" or left out');
  }
  const components =
    template.components === undefined
      ? []
      : readArray(template.components, `${path}.components`, 0, 20, 'components').map((component, index) =>
          readTemplateComponent(component, `${path}.components[${index}]`),
        );
  components.forEach((component, index) => {
    const earlier = components.slice(0, index);
    const at = `${path}.components[${index}]`;
    if (component.type !== 'button' && earlier.some((other) => other.type === component.type)) {
      throw invalid(
        `${at}.type`,
        `a second ${component.type} component; send one ${component.type} with all its parameters`,
      );
    }
    if (component.type === 'button' && earlier.some((other) => other.index === component.index)) {
      throw invalid(`${at}.index`, `button index ${component.index} is already used; send one component per button`);
    }
  });
  const graph: JsonObject = {
    name: template.name,
    language: { ...languageObject },
    ...(template.components === undefined ? {} : { components }),
  };
  return { graph, template: { name: template.name, language: languageObject.code, components } };
};

// ---------------------------------------------------------------- the send body

const TOP_LEVEL = new Set([
  'to',
  'type',
  'phoneNumberId',
  'messaging_product',
  'recipient_type',
  'context',
  'biz_opaque_callback_data',
]);

const readTextMessage = (value: unknown): JsonObject => {
  const text = readObject(value, 'text', 'an object like {"body": "Hello"}');
  const what = `a string of 1 to ${TEXT_BODY_LIMIT} characters`;
  if (typeof text.body !== 'string' || text.body.trim() === '') throw invalid('text.body', `required, ${what}`);
  const length = characterCount(text.body);
  if (length > TEXT_BODY_LIMIT) {
    throw badRequest('TEXT_TOO_LONG', `text.body is ${length} characters; WhatsApp allows at most ${TEXT_BODY_LIMIT}`);
  }
  if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') {
    throw invalid('text.preview_url', 'must be true or false');
  }
  return { ...text };
};

/** The object named by `type`, as it goes to Meta. */
const readMessageObject = (type: Exclude<SendType, 'template'>, value: unknown): JsonObject | unknown[] => {
  switch (type) {
    case 'text':
      return readTextMessage(value);
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      return readMedia(value, type, type, true);
    case 'location':
      return readLocation(value, 'location');
    case 'contacts':
      return readContacts(value, 'contacts');
    case 'interactive':
      return readInteractive(value, 'interactive');
    case 'reaction':
      return readReaction(value, 'reaction');
  }
};

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;

/** Validates and normalizes a `POST /messages` body; throws a 400 ApiError naming the first bad field. */
export const validateSendRequest = (body: unknown): SendRequest => {
  if (!isObject(body)) {
    throw invalid(
      'body',
      'must be a JSON object like {"to": "+16505551234", "type": "text", "text": {"body": "Hello"}}',
    );
  }
  const type = oneOf(body.type, SEND_TYPES);
  if (type === undefined) throw invalid('type', `required, one of ${SEND_TYPES.join(', ')}`);
  const { to, toKind } = readRecipient(body.to);

  let phoneNumberId: string | undefined;
  if (body.phoneNumberId !== undefined) {
    if (typeof body.phoneNumberId !== 'string' || !PHONE_NUMBER_ID.test(body.phoneNumberId)) {
      throw invalid(
        'phoneNumberId',
        'must be the sending business phone number id as a string of digits (e.g. "106540352242922"), or left out for the default',
      );
    }
    phoneNumberId = body.phoneNumberId;
  }
  if (body.messaging_product !== undefined && body.messaging_product !== 'whatsapp') {
    throw invalid('messaging_product', 'must be "whatsapp" or left out');
  }
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    throw invalid('recipient_type', 'must be "individual" or left out; group messages are not supported');
  }

  const template = type === 'template' ? readTemplate(body.template, 'template') : undefined;
  const payload =
    template === undefined ? readMessageObject(type as Exclude<SendType, 'template'>, body[type]) : template.graph;

  let context: JsonObject | undefined;
  if (body.context !== undefined) {
    if (type === 'reaction') throw invalid('context', 'a reaction cannot be a reply; leave context out');
    const given = readObject(
      body.context,
      'context',
      'an object like {"message_id": "wamid.…"} (the message replied to)',
    );
    const messageId = readString(given.message_id, 'context.message_id', 'the wamid of the message replied to');
    context = { message_id: messageId };
  }
  const callbackData = body.biz_opaque_callback_data;
  if (callbackData !== undefined) {
    const limit = SEND_LIMITS.callbackData;
    if (typeof callbackData !== 'string' || utf8Bytes(callbackData) > limit) {
      throw invalid('biz_opaque_callback_data', `must be a string of at most ${limit} bytes, or left out`);
    }
  }

  for (const key of Object.keys(body)) {
    if (key === type || TOP_LEVEL.has(key)) continue;
    if (oneOf(key, SEND_TYPES) !== undefined) {
      throw invalid(key, `not allowed when type is "${type}"; send only the ${type} object`);
    }
    throw invalid(
      key,
      'unknown field; a send body has to, type, the object named by type, and optionally context, ' +
        'biz_opaque_callback_data, recipient_type, messaging_product and phoneNumberId',
    );
  }

  const graphBody: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    // Meta prepends the business number's country code to a number without '+', so always send one.
    // A business-scoped user id goes in `recipient` (Meta's field for BSUIDs), not in `to`.
    ...(toKind === 'waId' ? { to: `+${to}` } : { recipient: to }),
    type,
    [type]: payload,
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
    ...(template === undefined ? {} : { template: template.template }),
  };
};
