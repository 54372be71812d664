import * as v from 'valibot';
import {
  TEMPLATE_CATEGORIES,
  characterCount,
  isPositional,
  placeholders,
  type TemplateButton,
  type TemplateComponent,
} from '#domain/templates';
import { at, dispatch, given, isObject, oneOf, option, type JsonObject } from './fields';
import { buttonExample, componentExample } from './template-example';

/**
 * The body of `PUT /templates/{name}/{language}`, in the definition shape Meta's template API
 * returns (https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates/components):
 * one declaration per component type and per button type. Types are read in any case and stored
 * upper-case; fields a declaration does not name are not stored.
 */

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

const BUTTON_LIMITS = { total: 10, label: 25, url: 2000, phone: 20 } as const;
const BUTTON_KIND_LIMITS: Record<string, number> = { URL: 2, PHONE_NUMBER: 1, COPY_CODE: 1 };
const NAMED_VARIABLE = /^[a-z_][a-z0-9_]*$/;

const upper = (value: unknown): unknown => (typeof value === 'string' ? value.trim().toUpperCase() : value);

/** A string field that must be there and not blank, then its own rules. */
const required = (what: string, ...rules: Array<v.GenericValidation<string>>) =>
  v.pipe(
    v.string(`required, ${what}`),
    v.check<string, string>((text) => text.trim() !== '', `required, ${what}`),
    ...rules,
  );

const atMost = (limit: number, what = 'at most') =>
  v.check<string, (issue: v.CheckIssue<string>) => string>(
    (text) => characterCount(text) <= limit,
    (issue) => `is ${characterCount(issue.input)} characters; ${what} ${limit}`,
  );

const variables = (most: number, where: string) =>
  v.check<string, (issue: v.CheckIssue<string>) => string>(
    (text) => placeholders(text).length <= most,
    (issue) =>
      `${where} ${most === 0 ? 'may not have variables' : `may have at most ${most} variable`}; it has ${placeholders(issue.input).length}`,
  );

/**
 * Header and body variables: positional ones are numbered from {{1}} without gaps, named ones are
 * lower-case letters, digits and underscores. A text mixing both kinds is not refused: Meta would
 * not approve one, and the counts still hold.
 */
const variableNames = v.rawCheck<string>(({ dataset, addIssue }) => {
  if (!dataset.typed) return;
  const names = placeholders(dataset.value);
  const bad = names.find((name) => !isPositional(name) && !NAMED_VARIABLE.test(name));
  if (bad !== undefined) {
    return addIssue({ message: `variable {{${bad}}}: named variables are lower-case letters, digits and underscores` });
  }
  const positional = names.filter(isPositional).map(Number);
  if (positional.some((n) => n < 1 || n > positional.length)) {
    const found = positional.map((n) => `{{${n}}}`).join(', ');
    addIssue({ message: `positional variables must be numbered from {{1}} without gaps; found ${found}` });
  }
});

const label = (optional: boolean) => {
  const text = required(
    `the button label, 1 to ${BUTTON_LIMITS.label} characters`,
    atMost(BUTTON_LIMITS.label, 'a button label is at most'),
  );
  return optional ? v.optional(text) : text;
};

const url = required(
  'the https:// address the button opens',
  v.check((address) => /^https?:\/\/\S+$/.test(address), 'must be an http(s):// address without spaces'),
  atMost(BUTTON_LIMITS.url),
  variables(1, ''),
  v.check(
    (address) => placeholders(address).length === 0 || /\}\}\s*$/.test(address),
    'its variable must be at the end, e.g. https://example.com/orders/{{1}}',
  ),
);

/** The button types and their fields (Meta writes the label of copy-code and OTP buttons itself). */
export const BUTTON_TYPES: Record<string, v.ObjectEntries> = {
  QUICK_REPLY: { text: label(false) },
  URL: { text: label(false), url },
  PHONE_NUMBER: {
    text: label(false),
    phone_number: required('the number the button calls, e.g. +16505551234', atMost(BUTTON_LIMITS.phone)),
  },
  FLOW: { text: label(false) },
};

const buttonCommon = {
  text: label(true),
  otp_type: v.optional(
    v.pipe(
      v.custom<string>(
        (type) => typeof type === 'string' && type.trim() !== '',
        'must be COPY_CODE, ONE_TAP or ZERO_TAP',
      ),
      v.transform((type) => type.trim().toUpperCase()),
    ),
  ),
  example: buttonExample,
};

const BUTTON = 'an object like {"type": "QUICK_REPLY", "text": "Stop"}';

/** What is stored of a definition: the fields its declaration names, when given. */
const declared = (item: JsonObject, entries: object): JsonObject =>
  Object.fromEntries(
    Object.keys(entries).flatMap((field) => (item[field] === undefined ? [] : [[field, item[field]]])),
  );

const button = v.pipe(
  v.custom<JsonObject>(isObject, `must be ${BUTTON}`),
  v.transform((item): JsonObject => ({ ...item, type: upper(item.type) })),
  dispatch(
    'type',
    Object.fromEntries(
      Object.entries(BUTTON_TYPES).map(([type, entries]) => [type, option({ ...buttonCommon, ...entries }, BUTTON)]),
    ),
    'required, e.g. QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, FLOW or OTP',
    // Other types (COPY_CODE, OTP, Meta's newer ones) take no fields of their own.
    option(buttonCommon, BUTTON),
  ),
  v.transform(
    (item) =>
      declared(item, { type: 0, ...buttonCommon, ...BUTTON_TYPES[String(item.type)] }) as unknown as TemplateButton,
  ),
);

const buttons = v.pipe(
  v.custom<unknown[]>(
    (list) => Array.isArray(list) && list.length > 0 && list.length <= BUTTON_LIMITS.total,
    `required, an array of 1 to ${BUTTON_LIMITS.total} buttons`,
  ),
  v.array(button),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    for (const [kind, limit] of Object.entries(BUTTON_KIND_LIMITS)) {
      const count = dataset.value.filter((item) => item.type === kind).length;
      if (count > limit) {
        return addIssue({ message: `at most ${limit} ${kind} button${limit === 1 ? '' : 's'}; it has ${count}` });
      }
    }
  }),
);

const componentText = (what: string, ...rules: Array<v.GenericValidation<string>>) =>
  required(what, ...rules, variableNames);

const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'] as const;

/** The component types, each with its fields; a header's fields depend on its format as well. */
export const COMPONENT_TYPES: Record<TemplateComponent['type'], v.ObjectEntries> = {
  HEADER: {
    format: oneOf(HEADER_FORMATS, `must be one of ${HEADER_FORMATS.join(', ')}`),
    text: v.optional(v.unknown()),
    example: componentExample,
  },
  BODY: { text: componentText('the body text'), example: componentExample },
  FOOTER: { text: componentText('the footer text', variables(0, 'a footer')), example: componentExample },
  BUTTONS: { buttons, example: componentExample },
};

/** A text header takes text with at most one variable; a media or location header takes none. */
const headerText = v.rawCheck<JsonObject>(({ dataset, addIssue }) => {
  if (!dataset.typed) return;
  const { format, text } = dataset.value;
  if (format !== 'TEXT') {
    if (text !== undefined)
      addIssue({ message: `a ${String(format)} header has no text; leave text out`, path: at('text') });
    return;
  }
  const issues = v.safeParse(componentText('the header text', variables(1, 'a header')), text, {
    abortEarly: true,
  }).issues;
  if (issues !== undefined) addIssue({ message: issues[0].message, path: at('text') });
});

const COMPONENT = 'an object like {"type": "BODY", "text": "Hello {{1}}"}';

const component = v.pipe(
  v.custom<JsonObject>(isObject, `must be ${COMPONENT}`),
  v.transform((item): JsonObject => ({
    ...item,
    type: upper(item.type),
    ...(upper(item.type) === 'HEADER' ? { format: item.format === undefined ? 'TEXT' : upper(item.format) } : {}),
  })),
  dispatch(
    'type',
    Object.fromEntries(
      Object.entries(COMPONENT_TYPES).map(([type, entries]) => [
        type,
        type === 'HEADER' ? v.pipe(option(entries, COMPONENT), headerText) : option(entries, COMPONENT),
      ]),
    ),
    `required, one of ${Object.keys(COMPONENT_TYPES).join(', ')}`,
  ),
  v.transform(
    (item) =>
      declared(item, {
        type: 0,
        ...COMPONENT_TYPES[item.type as TemplateComponent['type']],
      }) as unknown as TemplateComponent,
  ),
);

export const components = v.pipe(
  v.custom<unknown[]>(
    (list) => Array.isArray(list) && list.length > 0,
    'required, a non-empty array of HEADER, BODY, FOOTER and BUTTONS components',
  ),
  v.array(component),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const list = dataset.value;
    const repeated = list.findIndex((item, index) => list.findIndex((other) => other.type === item.type) !== index);
    if (repeated !== -1) {
      const type = list[repeated]?.type ?? '';
      return addIssue({ message: `a template has at most one ${type} component`, path: at(repeated, 'type') });
    }
    if (!list.some((item) => item.type === 'BODY')) {
      addIssue({ message: 'a template needs one BODY component with its text' });
    }
  }),
);

const CATEGORY = `required, one of ${TEMPLATE_CATEGORIES.join(', ')}`;
export const category = v.pipe(
  given(CATEGORY),
  v.transform((value) => (typeof value === 'string' ? value.trim().toLowerCase() : value)),
  oneOf(TEMPLATE_CATEGORIES, CATEGORY),
);

/** Left out: the status stays what it is (Meta's, or APPROVED for a new template). */
export const status = v.optional(
  v.pipe(
    v.unknown(),
    v.transform(upper),
    oneOf(TEMPLATE_STATUSES, `must be one of ${TEMPLATE_STATUSES.join(', ')}, or left out`),
  ),
);
