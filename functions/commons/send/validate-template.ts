import {
  LANGUAGE_CODE,
  TEMPLATE_CATEGORIES,
  TEMPLATE_NAME,
  characterCount,
  isPositional,
  lengthViolation,
  placeholders,
  type Template,
  type TemplateButton,
  type TemplateCategory,
  type TemplateComponent,
  type TemplateComponentType,
  type TemplateHeaderFormat,
} from '#domain/templates';
import { badRequest, type ApiError } from '#http/errors';

/**
 * Reads the body of `PUT /templates/{name}/{language}`: `{ category, components, status? }`, with the
 * components in Meta's definition shape (as Meta's template API returns them). Other body fields (Meta's
 * `id`, `parameter_format`, …) are ignored, so a template copied from Meta can be pasted as it is.
 * Throws a 400 ApiError naming the field: VALIDATION_ERROR, or TEMPLATE_{HEADER,BODY,FOOTER}_TOO_LONG.
 */

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const invalid = (path: string, what: string): ApiError => badRequest('VALIDATION_ERROR', `${path}: ${what}`);

/** Meta's template statuses; in any case, stored upper-case. */
export const TEMPLATE_STATUSES = [
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'PENDING_DELETION',
  'DELETED',
  'LIMIT_EXCEEDED',
  'ARCHIVED',
  'FLAGGED',
  'REINSTATED',
] as const;

const COMPONENT_TYPES: readonly TemplateComponentType[] = ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'];
const HEADER_FORMATS: readonly TemplateHeaderFormat[] = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'];

/** Limits from Meta's template components page (whatsapp-platform.md §5). */
const BUTTON_LIMITS = { total: 10, label: 25, url: 2000, phone: 20 } as const;
const BUTTON_KIND_LIMITS: Record<string, number> = { URL: 2, PHONE_NUMBER: 1, COPY_CODE: 1 };
/** Buttons whose label the template sets (Meta writes the label of copy-code and OTP buttons). */
const LABELLED_BUTTONS = new Set(['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'FLOW']);

const NAMED_VARIABLE = /^[a-z_][a-z0-9_]*$/;

const upperString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value.trim().toUpperCase() : undefined;

const requiredText = (value: unknown, path: string, what: string): string => {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(path, `required, ${what}`);
  return value;
};

const readCategory = (value: unknown): TemplateCategory => {
  const category = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  const found = TEMPLATE_CATEGORIES.find((known) => known === category);
  if (found === undefined) throw invalid('category', `required, one of ${TEMPLATE_CATEGORIES.join(', ')}`);
  return found;
};

const readStatus = (value: unknown): string => {
  if (value === undefined) return 'APPROVED';
  const status = upperString(value);
  const found = TEMPLATE_STATUSES.find((known) => known === status);
  if (found === undefined) {
    throw invalid('status', `must be one of ${TEMPLATE_STATUSES.join(', ')} (default APPROVED), or left out`);
  }
  return found;
};

const readButton = (value: unknown, path: string): TemplateButton => {
  if (!isObject(value)) throw invalid(path, 'must be an object like {"type": "QUICK_REPLY", "text": "Stop"}');
  const type = upperString(value.type);
  if (!type) throw invalid(`${path}.type`, 'required, e.g. QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, FLOW or OTP');
  const button: TemplateButton = { type };
  if (value.text !== undefined || LABELLED_BUTTONS.has(type)) {
    const text = requiredText(value.text, `${path}.text`, `the button label, 1 to ${BUTTON_LIMITS.label} characters`);
    if (characterCount(text) > BUTTON_LIMITS.label) {
      throw invalid(
        `${path}.text`,
        `is ${characterCount(text)} characters; a button label is at most ${BUTTON_LIMITS.label}`,
      );
    }
    button.text = text;
  }
  if (type === 'URL') {
    const url = requiredText(value.url, `${path}.url`, 'the https:// address the button opens');
    if (!/^https?:\/\/\S+$/.test(url)) throw invalid(`${path}.url`, 'must be an http(s):// address without spaces');
    if (characterCount(url) > BUTTON_LIMITS.url) {
      throw invalid(`${path}.url`, `is ${characterCount(url)} characters; at most ${BUTTON_LIMITS.url}`);
    }
    const variables = placeholders(url);
    if (variables.length > 1) throw invalid(`${path}.url`, `may have at most 1 variable; it has ${variables.length}`);
    if (variables.length === 1 && !/\}\}\s*$/.test(url)) {
      throw invalid(`${path}.url`, 'its variable must be at the end, e.g. https://example.com/orders/{{1}}');
    }
    button.url = url;
  }
  if (type === 'PHONE_NUMBER') {
    const phone = requiredText(
      value.phone_number,
      `${path}.phone_number`,
      'the number the button calls, e.g. +16505551234',
    );
    if (characterCount(phone) > BUTTON_LIMITS.phone) {
      throw invalid(`${path}.phone_number`, `is ${characterCount(phone)} characters; at most ${BUTTON_LIMITS.phone}`);
    }
    button.phone_number = phone;
  }
  if (value.otp_type !== undefined) {
    const otpType = upperString(value.otp_type);
    if (!otpType) throw invalid(`${path}.otp_type`, 'must be COPY_CODE, ONE_TAP or ZERO_TAP');
    button.otp_type = otpType;
  }
  if (value.example !== undefined) button.example = value.example;
  return button;
};

const readButtons = (value: unknown, path: string): TemplateButton[] => {
  if (!Array.isArray(value) || value.length === 0 || value.length > BUTTON_LIMITS.total) {
    throw invalid(path, `required, an array of 1 to ${BUTTON_LIMITS.total} buttons`);
  }
  const buttons = value.map((button, index) => readButton(button, `${path}[${index}]`));
  for (const [kind, limit] of Object.entries(BUTTON_KIND_LIMITS)) {
    const count = buttons.filter((button) => button.type === kind).length;
    if (count > limit) throw invalid(path, `at most ${limit} ${kind} button${limit === 1 ? '' : 's'}; it has ${count}`);
  }
  return buttons;
};

const readComponent = (value: unknown, path: string): TemplateComponent => {
  if (!isObject(value)) throw invalid(path, 'must be an object like {"type": "BODY", "text": "Hello {{1}}"}');
  const type = COMPONENT_TYPES.find((known) => known === upperString(value.type));
  if (type === undefined) throw invalid(`${path}.type`, `required, one of ${COMPONENT_TYPES.join(', ')}`);
  const component: TemplateComponent = { type };
  if (type === 'BUTTONS') {
    component.buttons = readButtons(value.buttons, `${path}.buttons`);
  } else if (type === 'HEADER') {
    const format = value.format === undefined ? 'TEXT' : HEADER_FORMATS.find((f) => f === upperString(value.format));
    if (format === undefined) throw invalid(`${path}.format`, `must be one of ${HEADER_FORMATS.join(', ')}`);
    component.format = format;
    if (format === 'TEXT') {
      component.text = requiredText(value.text, `${path}.text`, 'the header text');
      const variables = placeholders(component.text).length;
      if (variables > 1) throw invalid(`${path}.text`, `a header may have at most 1 variable; it has ${variables}`);
    } else if (value.text !== undefined) {
      throw invalid(`${path}.text`, `a ${format} header has no text; leave text out`);
    }
  } else {
    component.text = requiredText(value.text, `${path}.text`, `the ${type.toLowerCase()} text`);
    const variables = placeholders(component.text).length;
    if (type === 'FOOTER' && variables > 0) {
      throw invalid(`${path}.text`, `a footer may not have variables; it has ${variables}`);
    }
  }
  if (value.example !== undefined) component.example = value.example;
  return component;
};

/**
 * Header and body variables: positional ones are numbered from {{1}} without gaps, named ones are
 * lower-case letters, digits and underscores. (A URL button's single variable is checked with its url.)
 * A template mixing both kinds is not refused: Meta would not approve one, and the counts still hold.
 */
const checkVariables = (components: readonly TemplateComponent[]): void => {
  components.forEach((component, index) => {
    if (component.text === undefined) return;
    const names = placeholders(component.text);
    const path = `components[${index}].text`;
    const bad = names.find((name) => !isPositional(name) && !NAMED_VARIABLE.test(name));
    if (bad !== undefined) {
      throw invalid(path, `variable {{${bad}}}: named variables are lower-case letters, digits and underscores`);
    }
    const positional = names.filter(isPositional).map(Number);
    if (positional.some((n) => n < 1 || n > positional.length)) {
      const found = positional.map((n) => `{{${n}}}`).join(', ');
      throw invalid(path, `positional variables must be numbered from {{1}} without gaps; found ${found}`);
    }
  });
};

const readComponents = (value: unknown): TemplateComponent[] => {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid('components', 'required, a non-empty array of HEADER, BODY, FOOTER and BUTTONS components');
  }
  const components = value.map((component, index) => readComponent(component, `components[${index}]`));
  components.forEach((component, index) => {
    if (components.findIndex((other) => other.type === component.type) !== index) {
      throw invalid(`components[${index}].type`, `a template has at most one ${component.type} component`);
    }
  });
  if (!components.some((component) => component.type === 'BODY')) {
    throw invalid('components', 'a template needs one BODY component with its text');
  }
  checkVariables(components);
  return components;
};

const LIMIT_CODES = {
  header: 'TEMPLATE_HEADER_TOO_LONG',
  body: 'TEMPLATE_BODY_TOO_LONG',
  footer: 'TEMPLATE_FOOTER_TOO_LONG',
} as const;

/**
 * The template that `PUT /templates/{name}/{language}` stores. Category is read in any case and
 * returned lower-case; status defaults to APPROVED (upper-case out).
 */
export const validateTemplateRegistration = (name: string, language: string, body: unknown): Template => {
  if (!TEMPLATE_NAME.test(name)) {
    throw invalid('name', 'must be 1 to 512 lower-case letters, digits and underscores, e.g. order_confirmation');
  }
  if (!LANGUAGE_CODE.test(language)) {
    throw invalid('language', 'must be a template language code like en, en_US or pt_BR');
  }
  if (!isObject(body)) {
    throw invalid(
      'body',
      'must be a JSON object like {"category": "utility", "components": [{"type": "BODY", "text": "Hello {{1}}"}]}',
    );
  }
  for (const [field, fromPath] of [
    ['name', name],
    ['language', language],
  ] as const) {
    if (body[field] !== undefined && body[field] !== fromPath) {
      throw invalid(
        field,
        `the body says ${JSON.stringify(body[field])} but the path says "${fromPath}"; make them agree`,
      );
    }
  }
  const template: Template = {
    name,
    language,
    category: readCategory(body.category),
    status: readStatus(body.status),
    components: readComponents(body.components),
  };
  const violation = lengthViolation(template);
  if (violation !== undefined) {
    const component = violation.component.toUpperCase();
    throw badRequest(
      LIMIT_CODES[violation.component],
      `${component} text is ${violation.length} characters without its variables; WhatsApp allows at most ${violation.limit}`,
    );
  }
  return template;
};
