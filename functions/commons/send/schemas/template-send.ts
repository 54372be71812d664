import * as v from 'valibot';
import { normalizeLanguage } from '#domain/template-lifecycle';
import { LANGUAGE_CODE, TEMPLATE_NAME, type TemplateRequestComponent } from '#domain/templates';
import { array, at, byKey, given, isObject, matching, object, oneOf, option, string, type JsonObject } from './fields';
import { location, media } from './media';

/**
 * A template in a send body (Meta's template messages page,
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates): one
 * declaration per component type and per parameter type. Parameter types not declared here are
 * passed on to Meta as they are (only their `type` is checked).
 */

const NAMED_PARAMETER = /^[a-z_][a-z0-9_]*$/;

/** What each parameter type must carry besides its `type`, in the field named by the type. */
export const PARAMETER_TYPES: Record<string, v.GenericSchema> = {
  // Variable values are not limited here: Meta's template limits do not count them.
  // Meta's own quick-reply example gives `true` and `false` as button texts, so a boolean is taken too.
  text: v.custom<string | boolean>(
    (value) => (typeof value === 'string' && value !== '') || typeof value === 'boolean',
    'required, the non-empty value of the variable',
  ),
  currency: object(
    {
      fallback_value: string('the text shown, e.g. $100.99'),
      code: matching(/^[A-Z]{3}$/, 'required, an ISO 4217 currency code like USD'),
      amount_1000: v.custom<number>(
        Number.isSafeInteger,
        'required, the amount times 1000 as an integer, e.g. 100990 for 100.99',
      ),
    },
    'an object with fallback_value, code and amount_1000',
  ),
  date_time: object(
    { fallback_value: string('the date as shown, e.g. February 25, 1977') },
    'an object with fallback_value',
  ),
  image: media('image', false),
  video: media('video', false),
  document: media('document', false),
  location,
  payload: string('the payload echoed back on a tap'),
  coupon_code: string('the code to copy'),
  action: object({}, 'the button action object'),
};

const PARAMETER = 'a parameter like {"type": "text", "text": "Jessica"}';
const parameterName = v.optional(
  matching(NAMED_PARAMETER, 'must be the variable name without braces, e.g. first_name for {{first_name}}'),
);

const parameter = byKey(
  'type',
  Object.fromEntries(
    Object.entries(PARAMETER_TYPES).map(([type, schema]) => [
      type,
      option({ parameter_name: parameterName, [type]: schema }, PARAMETER),
    ]),
  ),
  PARAMETER,
  'required, e.g. text, currency, date_time, image, document, video, location, payload',
  option({ parameter_name: parameterName }, PARAMETER),
);

const parameters = v.optional(array(parameter, 0, 100, 'parameters'), () => []);

const BUTTON_INDEX = /^\d$/;
const buttonIndex = v.pipe(
  v.custom<string | number>(
    (index) => BUTTON_INDEX.test(typeof index === 'number' ? String(index) : typeof index === 'string' ? index : ''),
    'required for a button, its position in the template from "0" to "9"',
  ),
  v.transform(String),
);

/** The component types of a send, lower-case as Meta's send API takes them (any case is read). */
export const COMPONENT_TYPES = {
  header: {},
  body: {},
  button: {
    // Meta's reference writes `CATALOG` where its guides write `catalog`: either case is read.
    sub_type: v.pipe(
      given('required for a button, e.g. quick_reply, url, copy_code or flow'),
      v.transform((value) => (typeof value === 'string' ? value.toLowerCase() : value)),
      matching(/^[a-z_]+$/, 'required for a button, e.g. quick_reply, url, copy_code or flow'),
    ),
    index: buttonIndex,
  },
} satisfies Record<TemplateRequestComponent['type'], v.ObjectEntries>;

const COMPONENT = 'a component like {"type": "body", "parameters": [{"type": "text", "text": "…"}]}';

const component = v.pipe(
  v.custom<JsonObject>(isObject, `required, ${COMPONENT}`),
  v.transform((item): JsonObject => ({
    ...item,
    type: typeof item.type === 'string' ? item.type.toLowerCase() : item.type,
  })),
  byKey(
    'type',
    Object.fromEntries(
      Object.entries(COMPONENT_TYPES).map(([type, entries]) => [type, option({ parameters, ...entries }, COMPONENT)]),
    ),
    COMPONENT,
    `required, one of ${Object.keys(COMPONENT_TYPES).join(', ')}`,
  ),
  // What a send keeps of a component: its type, parameters and, for a button, sub_type and index.
  v.transform((item: JsonObject): TemplateRequestComponent => ({
    type: item.type as TemplateRequestComponent['type'],
    parameters: item.parameters as TemplateRequestComponent['parameters'],
    ...(item.type === 'button' ? { sub_type: String(item.sub_type), index: String(item.index) } : {}),
  })),
);

const components = v.pipe(
  array(component, 0, 20, 'components'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const seen = new Set<string>();
    for (const [index, { type, index: button }] of dataset.value.entries()) {
      const slot = type === 'button' ? `button ${String(button)}` : type;
      if (!seen.has(slot)) {
        seen.add(slot);
        continue;
      }
      return type === 'button'
        ? addIssue({
            message: `button index ${String(button)} is already used; send one component per button`,
            path: at(index, 'index'),
          })
        : addIssue({
            message: `a second ${type} component; send one ${type} with all its parameters`,
            path: at(index, 'type'),
          });
    }
  }),
);

const LANGUAGE = 'an object like {"code": "en_US"}';

export const template = object(
  {
    name: matching(TEMPLATE_NAME, "required, the template's name: lower-case letters, digits and underscores"),
    // Meta takes `{ code, policy }`; a bare code is read as `{ code }`.
    language: v.pipe(
      given(`required, ${LANGUAGE}`),
      v.transform((language) => (typeof language === 'string' ? { code: language } : language)),
      object(
        {
          // Meta's webhooks write en-US where its send API writes en_US: both name one template.
          code: v.pipe(
            given('required, the template language code, e.g. en, en_US or pt_BR'),
            v.transform((code) => (typeof code === 'string' ? normalizeLanguage(code) : code)),
            matching(LANGUAGE_CODE, 'required, the template language code, e.g. en, en_US or pt_BR'),
          ),
          policy: v.optional(oneOf(['deterministic'], 'must be "deterministic" or left out')),
        },
        LANGUAGE,
      ),
    ),
    components: v.optional(components),
  },
  'an object like {"name": "order_confirmation", "language": {"code": "en_US"}}',
);
