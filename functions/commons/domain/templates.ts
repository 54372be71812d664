/**
 * Message templates: what Meta approved (the definition) and the rules a send must meet against it
 * (see /work/shared/whatsapp-platform.md §4.2 and §5). Pure: no I/O, no clock.
 *
 * Lengths are counted in Unicode code points (an emoji is one character), never in UTF-16 units: if
 * Meta counts a little more strictly, Meta refuses what we let through; counting more strictly
 * ourselves would refuse messages Meta accepts.
 */

export type TemplateCategory = 'marketing' | 'utility' | 'authentication';

export const TEMPLATE_CATEGORIES: readonly TemplateCategory[] = ['marketing', 'utility', 'authentication'];

export type TemplateComponentType = 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS';

export type TemplateHeaderFormat = 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';

/** `(string & {})` keeps editor completion for the known kinds while accepting Meta's newer ones. */
export type TemplateButtonType =
  'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE' | 'FLOW' | 'OTP' | (string & Record<never, never>);

export interface TemplateButton {
  type: TemplateButtonType;
  text?: string;
  url?: string;
  phone_number?: string;
  /** OTP buttons: COPY_CODE | ONE_TAP | ZERO_TAP */
  otp_type?: string;
  example?: unknown;
}

/** One component of Meta's template definition (upper-case types, as Meta returns them). */
export interface TemplateComponent {
  type: TemplateComponentType;
  format?: TemplateHeaderFormat;
  text?: string;
  buttons?: TemplateButton[];
  example?: unknown;
}

export interface Template {
  name: string;
  /** e.g. en_US */
  language: string;
  category: TemplateCategory;
  /** Meta's status, upper-case: APPROVED, PENDING, REJECTED, PAUSED, DISABLED, … */
  status: string;
  components: TemplateComponent[];
}

/** One parameter of a send-side component (`{ type: 'text', text: 'Jessica' }`, `{ type: 'image', image: {…} }`). */
export type TemplateParameter = { type: string; parameter_name?: string } & Record<string, unknown>;

/** A component of a template *send* (lower-case types, as Meta's send API takes them). */
export interface TemplateRequestComponent {
  type: 'header' | 'body' | 'button';
  /** buttons: quick_reply, url, copy_code, flow, catalog, … */
  sub_type?: string;
  /** buttons: the button's position in the template, "0" to "9" */
  index?: string;
  parameters: TemplateParameter[];
}

export const TEMPLATE_LIMITS = { body: 1024, header: 60, footer: 60 } as const;

/** A text message body, in characters. */
export const TEXT_BODY_LIMIT = 4096;

/** Template names: lower-case letters, digits and underscores, at most 512 characters. */
export const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;

/** Template language codes: `en`, `fil`, `en_US`, `pt_BR`, `zh_HK`. */
export const LANGUAGE_CODE = /^[a-z]{2,3}(?:_[A-Z]{2})?$/;

/** Characters as a person counts them: Unicode code points. */
export const characterCount = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

/** `{{1}}` (positional) or `{{first_name}}` (named); spaces inside the braces are tolerated. */
const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/** The variable names in a text, in order of first appearance, each once: `['1', '2']` or `['first_name']`. */
export const placeholders = (text: string): string[] => [
  ...new Set(Array.from(text.matchAll(PLACEHOLDER), (match) => match[1] ?? '')),
];

/** Distinct variables in a text: `{{1}}` twice counts once. */
export const placeholderCount = (text: string): number => placeholders(text).length;

/** Whether a variable name is positional (`1`, `2`, …) rather than named. */
export const isPositional = (name: string): boolean => /^\d+$/.test(name);

/** The length Meta's limits apply to: the text without its placeholders (variable values are not counted). */
export const fixedTextLength = (text: string): number => characterCount(text.replace(PLACEHOLDER, ''));

const componentOf = (template: Template, type: TemplateComponentType): TemplateComponent | undefined =>
  template.components.find((component) => component.type === type);

const isMediaHeader = (header: TemplateComponent): boolean => header.format !== undefined && header.format !== 'TEXT';

/** The parameters a button takes on send, with the variables it has (0 for buttons that take none). */
const buttonParameters = (button: TemplateButton): number => {
  if (button.type === 'URL') return Math.min(placeholderCount(button.url ?? ''), 1);
  if (button.type === 'COPY_CODE' || button.type === 'OTP') return 1;
  return 0;
};

export interface ExpectedParameters {
  header: number;
  body: number;
  /** only the buttons that take a parameter, by their index in the template */
  buttons: { index: number; count: number }[];
}

/**
 * How many parameters a send must give per component: a text header one per variable, a media or
 * location header 1, the body one per variable, a URL button with a variable in its url 1, a copy-code
 * (or OTP) button 1 (the code).
 */
export const expectedParameters = (template: Template): ExpectedParameters => {
  const header = componentOf(template, 'HEADER');
  const body = componentOf(template, 'BODY');
  const buttons = componentOf(template, 'BUTTONS')?.buttons ?? [];
  return {
    header: header === undefined ? 0 : isMediaHeader(header) ? 1 : placeholderCount(header.text ?? ''),
    body: placeholderCount(body?.text ?? ''),
    buttons: buttons
      .map((button, index) => ({ index, count: buttonParameters(button) }))
      .filter((button) => button.count > 0),
  };
};

export interface LengthViolation {
  component: 'header' | 'body' | 'footer';
  limit: number;
  /** without the placeholders */
  length: number;
}

/** The first text over its limit, counted without placeholders: header, then body, then footer. */
export const lengthViolation = (template: Template): LengthViolation | undefined => {
  for (const component of ['header', 'body', 'footer'] as const) {
    const definition = componentOf(template, component.toUpperCase() as TemplateComponentType);
    if (definition === undefined || isMediaHeader(definition)) continue;
    const length = fixedTextLength(definition.text ?? '');
    const limit = TEMPLATE_LIMITS[component];
    if (length > limit) return { component, limit, length };
  }
  return undefined;
};

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * Parameters a button may carry although it needs none: a quick reply's payload, a flow's or a
 * catalog's action; Meta's own quick-reply example also gives a text
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates).
 */
const OPTIONAL_BUTTON_PARAMETERS = new Set(['payload', 'action']);
const optionalFor = (button: TemplateButton, parameter: TemplateParameter): boolean =>
  OPTIONAL_BUTTON_PARAMETERS.has(parameter.type) || (button.type === 'QUICK_REPLY' && parameter.type === 'text');

/**
 * Why a send's parameters do not fit the template, or undefined when they do. Counts per component
 * (a component absent from the request gives 0), then, for named variables, the parameter names.
 * The message names the component, the expected and the given count.
 */
export const parameterMismatch = (
  template: Template,
  requestComponents: readonly TemplateRequestComponent[] = [],
): string | undefined => {
  const expected = expectedParameters(template);
  const of = `template ${template.name} (${template.language})`;
  const given = (type: 'header' | 'body'): TemplateParameter[] =>
    requestComponents.filter((component) => component.type === type).flatMap((component) => component.parameters);
  const countMessage = (component: string, expectedCount: number, givenCount: number, hint: string): string =>
    `${component}: ${of} expects ${plural(expectedCount, 'parameter')}, the request gives ${givenCount}; ${hint}`;

  for (const type of ['header', 'body'] as const) {
    const parameters = given(type);
    const definition = componentOf(template, type.toUpperCase() as TemplateComponentType);
    if (parameters.length !== expected[type]) {
      const hint =
        definition !== undefined && isMediaHeader(definition)
          ? `send one ${definition.format?.toLowerCase()} parameter for the header`
          : `send one parameter per variable of the ${type}`;
      return countMessage(type, expected[type], parameters.length, hint);
    }
    const text = definition?.text ?? '';
    const named = placeholders(text).filter((name) => !isPositional(name));
    if (named.length > 0) {
      const names = parameters.map((parameter) => parameter.parameter_name);
      const missing = named.filter((name) => !names.includes(name));
      if (missing.length > 0) {
        return (
          `${type}: ${of} has named variables ${named.map((name) => `{{${name}}}`).join(', ')}; ` +
          `the request has no parameter_name ${missing.join(', ')}. Give each parameter the parameter_name of its variable`
        );
      }
    }
  }

  const definedButtons = componentOf(template, 'BUTTONS')?.buttons ?? [];
  const requestButtons = requestComponents.filter((component) => component.type === 'button');
  const buttonAt = (index: number): TemplateRequestComponent | undefined =>
    requestButtons.find((component) => Number(component.index) === index);

  for (const { index, count } of expected.buttons) {
    const givenCount = buttonAt(index)?.parameters.length ?? 0;
    if (givenCount !== count) {
      const kind = definedButtons[index]?.type ?? 'button';
      return countMessage(
        `button ${index} (${kind})`,
        count,
        givenCount,
        kind === 'URL' ? 'send the text that completes its url' : 'send the code it copies',
      );
    }
  }
  for (const component of requestButtons) {
    const index = Number(component.index);
    if (expected.buttons.some((button) => button.index === index)) continue;
    const definition = definedButtons[index];
    if (definition === undefined) {
      return (
        `button ${component.index ?? '?'}: ${of} has ${plural(definedButtons.length, 'button')}, none at index ` +
        `${component.index ?? '?'}; expects 0 parameters there, the request gives ${component.parameters.length}. ` +
        'Send button components only for the template’s own buttons, indexed from 0'
      );
    }
    const required = component.parameters.filter((parameter) => !optionalFor(definition, parameter));
    if (required.length > 0) {
      return countMessage(
        `button ${index} (${definition.type})`,
        0,
        component.parameters.length,
        'this button takes no text; leave its component out (a quick reply may carry only a payload)',
      );
    }
  }
  return undefined;
};
