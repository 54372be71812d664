/**
 * The field schemas of Meta's webhook items (valibot: imported by name so the bundle keeps only what
 * is used) and the wording of the reasons a parked item carries. A schema never throws on a JSON
 * value: `safeParse` reports every problem, and nested objects are checked only as deep as their
 * declared fields, so an item nested thousands of levels deep costs no recursion here.
 */
import {
  check,
  custom,
  fallback,
  integer,
  looseObject,
  maxLength,
  maxValue,
  minLength,
  minValue,
  number,
  optional,
  picklist,
  pipe,
  regex,
  safeParse,
  string,
  transform,
  union,
  type BaseIssue,
  type BaseSchema,
  type InferOutput,
  type ObjectEntries,
} from 'valibot';
import { isObject, type JsonObject } from '#commons/json';

/** How a message names a value's type: NaN and Infinity by value, class instances by their constructor. */
export const typeName = (value: unknown): string => {
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : String(value);
  if (typeof value !== 'object') return typeof value;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Object.getPrototypeOf(value) !== Object.prototype && 'constructor' in value && value.constructor) {
    return String((value.constructor as { name?: unknown }).name);
  }
  return 'object';
};

const expected =
  (what: string) =>
  (issue: { input: unknown }): string =>
    `Invalid input: expected ${what}, received ${typeName(issue.input)}`;

/** The reason for an item (or a field) that should have been an object. */
export const expectedObject = (value: unknown): string => expected('object')({ input: value });

export type Schema<T> = BaseSchema<unknown, T, BaseIssue<unknown>>;

/**
 * An object with these fields checked and any others kept (Meta adds fields; `raw` keeps them all).
 * A missing required field is reported under its name.
 */
export const record = <const E extends ObjectEntries>(entries: E) =>
  pipe(custom<JsonObject>(isObject, expected('object')), looseObject(entries, 'required but missing'));

/** A descriptive field: a mistyped value reads as absent, and the item's `raw` keeps the original. */
export const lenient = <T>(schema: Schema<T>) => fallback(optional(schema), undefined);

/**
 * Ids, names and codes are short in Meta's payloads (a wamid is at most 128 characters, a template
 * name 512); anything longer is not kept as a key, where DynamoDB would refuse it, but parked raw.
 */
export const MAX_ID_LENGTH = 512;

export const nonEmptyString = pipe(
  string(expected('string')),
  minLength(1, 'Too small: expected string to have >=1 characters'),
  maxLength(MAX_ID_LENGTH, `Too big: expected string to have <=${MAX_ID_LENGTH} characters`),
);

/** Beyond ±(2^53 - 1) a JSON integer has already lost precision, so it is refused rather than rounded. */
const safe = check(
  (value: number) => !Number.isInteger(value) || Number.isSafeInteger(value),
  ({ input }: { input: number }) =>
    input > 0
      ? `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`
      : `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`,
);

/** A non-negative safe integer as its decimal string, or `message`. */
const digitsOf = (message: string) =>
  pipe(
    number(message),
    check((value) => Number.isSafeInteger(value) && value >= 0, message),
    transform(String),
  );

const ID = 'expected a non-empty string id';
/** Ids Meta sends as strings; a number is accepted because some senders (and test tools) emit them so. */
export const idLike = union([nonEmptyString, digitsOf(ID)], ID);

/** Unix seconds; 11 digits at most so a millisecond value is rejected rather than read as year 49,000. */
export const MAX_EPOCH_SECONDS = 99_999_999_999;
const EPOCH = 'expected Unix seconds as a digit string or a non-negative integer';

// An integer is told everything wrong with it, not just the first thing.
export const epochSeconds = union(
  [
    pipe(string(EPOCH), regex(/^\d{1,11}$/, EPOCH), transform(Number)),
    pipe(
      number(EPOCH),
      integer(EPOCH),
      safe,
      minValue(0, 'Too small: expected number to be >=0'),
      maxValue(MAX_EPOCH_SECONDS, `Too big: expected number to be <=${MAX_EPOCH_SECONDS}`),
    ),
  ],
  EPOCH,
);

const TEMPLATE_ID = 'expected an integer template id';
const TEMPLATE_ID_DIGITS = /^\d{1,30}$/;
/** message_template_id is a JSON integer; precision beyond 2^53 is already lost, so reject it visibly. */
export const templateId = union(
  [
    digitsOf(TEMPLATE_ID),
    pipe(string(), regex(TEMPLATE_ID_DIGITS, `Invalid string: must match pattern ${TEMPLATE_ID_DIGITS}`)),
  ],
  TEMPLATE_ID,
);

const ERROR_CODE = 'expected an integer error code';
export const errorCode = union(
  [
    pipe(number(ERROR_CODE), integer(ERROR_CODE), safe),
    pipe(string(ERROR_CODE), regex(/^-?\d+$/, ERROR_CODE), transform(Number)),
  ],
  ERROR_CODE,
);

export const oneOf = <const T extends readonly string[]>(values: T) =>
  picklist(values, `Invalid option: expected one of ${values.map((value) => `"${value}"`).join('|')}`);

/** The value a schema reads, or undefined when it refuses it (e.g. an entry's id or time). */
export const outputOf = <T>(schema: Schema<T>, value: unknown): T | undefined => {
  const result = safeParse(schema, value);
  return result.success ? result.output : undefined;
};

export const MAX_REASON_LENGTH = 500;
const MAX_REASON_ISSUES = 5;

/**
 * Every problem of an item at once, each under its field, instead of only the first; bounded so that
 * an item full of bad fields cannot bloat the record it is parked in.
 */
export const reasonOf = (issues: readonly BaseIssue<unknown>[]): string => {
  const text = issues
    .slice(0, MAX_REASON_ISSUES)
    .map((issue) => {
      const path = issue.path?.map((item) => String(item.key)).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}…` : text;
};

/** An item read by its schema: the typed fields, or the reason it is parked. */
export const readItem = <T>(schema: Schema<T>, item: unknown): { value: T } | { reason: string } => {
  const result = safeParse(schema, item);
  return result.success ? { value: result.output } : { reason: reasonOf(result.issues) };
};

export type { InferOutput };
