import * as v from 'valibot';
import { coded, isObject } from './fields';

/**
 * A template's `example` values (the samples Meta reviews, e.g. `{ "body_text": [["Ana", "42"]] }`,
 * or `["https://example.com/orders/42"]` on a URL button) are stored with the template. Bounded
 * before they are stored: an item holds at most 400 KB and 32 levels of nesting in DynamoDB
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html), and a
 * template has up to 4 components and 10 buttons, each with an example.
 */
export const EXAMPLE_LIMITS = { characters: 16_384, depth: 6 } as const;

/** Why the example is over its limits, or undefined; walks without recursion and stops at the limit. */
const overLimits = (example: unknown): string | undefined => {
  let characters = 0;
  const stack: Array<[unknown, number]> = [[example, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [value, depth] = next;
    if (depth > EXAMPLE_LIMITS.depth) {
      return `is nested more than ${EXAMPLE_LIMITS.depth} levels deep; Meta's examples are lists of sample values`;
    }
    if (Array.isArray(value)) {
      characters += 2 + value.length;
      for (const item of value) stack.push([item, depth + 1]);
    } else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        characters += key.length + 4;
        stack.push([item, depth + 1]);
      }
    } else {
      characters += typeof value === 'string' ? value.length + 2 : String(value).length;
    }
    if (characters > EXAMPLE_LIMITS.characters) {
      return `is over ${EXAMPLE_LIMITS.characters} characters as JSON; give a few short sample values`;
    }
  }
  return undefined;
};

const bounded = v.rawCheck<unknown>(({ dataset, addIssue }) => {
  const reason = overLimits(dataset.value);
  if (reason !== undefined) addIssue({ message: coded('TEMPLATE_EXAMPLE_TOO_LARGE', reason, true) });
});

const isSampleList = (value: unknown): boolean =>
  typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));

/** A component's example: an object such as `{ "header_text": ["Ana"] }` or `{ "body_text": [["Ana"]] }`. */
export const componentExample = v.optional(
  v.pipe(
    v.unknown(),
    bounded,
    v.check(isObject, 'must be an object like {"body_text": [["Ana", "42"]]} (the sample values Meta reviews)'),
  ),
);

/** A button's example: a sample value or a list of them, e.g. `["https://example.com/orders/42"]`. */
export const buttonExample = v.optional(
  v.pipe(
    v.unknown(),
    bounded,
    v.check(isSampleList, 'must be a sample value or a list of them, e.g. ["https://example.com/orders/42"]'),
  ),
);
