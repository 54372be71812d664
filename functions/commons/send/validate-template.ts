import * as v from 'valibot';
import { normalizeLanguage } from '#domain/template-lifecycle';
import { LANGUAGE_CODE, TEMPLATE_NAME, lengthViolation, type Template } from '#domain/templates';
import type { TemplateRegistration } from '#store/template-store';
import { badRequest } from '#http/errors';
import { isObject, option, parseOrThrow } from './schemas/fields';
import { category, components, status } from './schemas/template-registration';

export { TEMPLATE_STATUSES } from './schemas/template-registration';

/**
 * Reads the body of `PUT /templates/{name}/{language}`: `{ category, components, status? }`, with the
 * components in Meta's definition shape (as Meta's template API returns them), checked against the
 * declarations in ./schemas/template-registration.ts. Other body fields (Meta's `id`,
 * `parameter_format`, …) are ignored, so a template copied from Meta can be pasted as it is.
 * Throws a 400 ApiError naming the field: VALIDATION_ERROR, TEMPLATE_EXAMPLE_TOO_LARGE, or
 * TEMPLATE_{HEADER,BODY,FOOTER}_TOO_LONG.
 */

const pathField = (fromPath: string) =>
  v.optional(
    v.custom(
      (given) => given === fromPath || (typeof given === 'string' && normalizeLanguage(given) === fromPath),
      (issue) => `the body says ${JSON.stringify(issue.input)} but the path says "${fromPath}"; make them agree`,
    ),
  );

const registration = (name: string, language: string) =>
  v.pipe(
    v.custom<Record<string, unknown>>(
      isObject,
      'must be a JSON object like {"category": "utility", "components": [{"type": "BODY", "text": "Hello {{1}}"}]}',
    ),
    option({ name: pathField(name), language: pathField(language), category, status, components }, 'a JSON object'),
  );

const LIMIT_CODES = {
  header: 'TEMPLATE_HEADER_TOO_LONG',
  body: 'TEMPLATE_BODY_TOO_LONG',
  footer: 'TEMPLATE_FOOTER_TOO_LONG',
} as const;

/**
 * The template that `PUT /templates/{name}/{language}` stores. Category is read in any case and
 * returned lower-case; status upper-case, undefined when left out (the store keeps the one it has).
 * The language is read in Meta's either spelling (`en-US` is `en_US`).
 */
export const validateTemplateRegistration = (
  name: string,
  pathLanguage: string,
  body: unknown,
): TemplateRegistration => {
  const language = normalizeLanguage(pathLanguage);
  if (!TEMPLATE_NAME.test(name)) {
    throw badRequest(
      'VALIDATION_ERROR',
      'name: must be 1 to 512 lower-case letters, digits and underscores, e.g. order_confirmation',
    );
  }
  if (!LANGUAGE_CODE.test(language)) {
    throw badRequest('VALIDATION_ERROR', 'language: must be a template language code like en, en_US or pt_BR');
  }
  const read = parseOrThrow(registration(name, language), body);
  const template: TemplateRegistration = {
    name,
    language,
    category: read.category,
    ...(read.status === undefined ? {} : { status: read.status }),
    components: read.components as Template['components'],
  };
  const violation = lengthViolation({ ...template, status: template.status ?? '' });
  if (violation !== undefined) {
    const component = violation.component.toUpperCase();
    throw badRequest(
      LIMIT_CODES[violation.component],
      `${component} text is ${violation.length} characters without its variables; WhatsApp allows at most ${violation.limit}`,
    );
  }
  return template;
};
