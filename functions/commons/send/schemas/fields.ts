import * as v from 'valibot';
import { characterCount } from '#domain/templates';
import { badRequest, type ApiError } from '#http/errors';

/**
 * The building blocks every body schema of the API is declared with (valibot,
 * https://valibot.dev/guides/schemas/), and the one place a schema's first issue becomes our 400.
 *
 * Each schema carries its own message, so a refusal names the field and what to give instead: the
 * path of the issue, then the message (`template.components[0].index: required for a button, …`).
 * A missing key answers with the message of the field it misses, not a generic "key missing".
 */

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A message that answers with its own code instead of VALIDATION_ERROR; `withPath` puts the field's
 * path before it as for any other message (otherwise the message names the field itself).
 */
const CODE_MARK = '\u0000';
export const coded = (code: string, message: string, withPath = false): string =>
  [code, withPath ? 'path' : '', message].join(CODE_MARK);

type AnyIssue = v.BaseIssue<unknown>;
type AnySchema = v.GenericSchema;

/** `a.b[0].c`, or `body` for the body itself. */
const pathOf = (issue: AnyIssue): string => {
  let path = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key?: unknown }).key;
    path += typeof key === 'number' ? `[${key}]` : `${path === '' ? '' : '.'}${String(key)}`;
  }
  return path === '' ? 'body' : path;
};

/** The schema's output, or the first issue thrown as a 400 ApiError. */
export const parseOrThrow = <S extends AnySchema>(schema: S, input: unknown): v.InferOutput<S> => {
  const result = v.safeParse(schema, input, { abortEarly: true });
  if (result.success) return result.output;
  throw refusal(result.issues[0]);
};

const refusal = (issue: AnyIssue): ApiError => {
  const [code, withPath, message] = issue.message.includes(CODE_MARK)
    ? issue.message.split(CODE_MARK)
    : ['VALIDATION_ERROR', 'path', issue.message];
  const text = withPath === 'path' ? `${pathOf(issue)}: ${message}` : (message ?? '');
  return badRequest(code ?? 'VALIDATION_ERROR', text);
};

/** An issue at a path below the value being checked (for rules over a list, e.g. unique titles). */
export const at = (...keys: [string | number, ...Array<string | number>]): [v.IssuePathItem, ...v.IssuePathItem[]] => {
  const item = (key: string | number): v.IssuePathItem => ({
    type: 'unknown',
    origin: 'value',
    input: undefined,
    key,
    value: undefined,
  });
  return [item(keys[0]), ...keys.slice(1).map(item)];
};

/** What a missing field answers: the field's own message (a message function is asked about `undefined`). */
const messageOf = (schema: AnySchema | undefined): string | undefined => {
  const message = (schema as { message?: unknown } | undefined)?.message;
  if (typeof message === 'function') return String((message as (issue: unknown) => unknown)({ input: undefined }));
  return typeof message === 'string' ? message : undefined;
};

type Entries = v.ObjectEntries;

/**
 * A JSON object (not an array) with the given fields, in the order they are checked. Fields not
 * declared are passed on unchanged (Meta's newer options); `strictObject` refuses them instead.
 */
export const object = <E extends Entries>(entries: E, what: string) =>
  v.pipe(v.custom<JsonObject>(isObject, `required, ${what}`), option(entries, what));

/** One option of `byKey`: an object declared by its fields (what `object` checks once it is an object). */
export const option = <E extends Entries>(entries: E, what: string) =>
  v.looseObject(entries, (issue) => messageOf(entries[String(keyOf(issue))]) ?? `required, ${what}`);

/**
 * An object whose `key` field (its type) picks, from `table`, the declaration it is checked against:
 * one entry per type, so a new type is one more entry. Types not in the table are refused with
 * `keyMessage` (naming the known ones), or checked by `other` when the table is open to Meta's newer types.
 */
export const byKey = (key: string, table: Record<string, object>, what: string, keyMessage: string, other?: object) =>
  v.pipe(v.custom<JsonObject>(isObject, `required, ${what}`), dispatch(key, table, keyMessage, other));

export const dispatch = (key: string, table: Record<string, object>, keyMessage: string, other?: object) => {
  const unknownType = v.looseObject({ [key]: v.custom(() => false, keyMessage) }, keyMessage);
  return v.lazy((input) => {
    const type = (input as JsonObject)[key];
    if (typeof type !== 'string' || type === '') return unknownType;
    return ((Object.hasOwn(table, type) ? table[type] : other) ?? unknownType) as AnySchema;
  }) as unknown as v.GenericSchema<JsonObject, JsonObject>;
};

/** Keys that `option` does not copy (valibot drops them, so they can never reach an object's prototype). */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * An object with exactly the given fields: any other is refused with `unknownKey(key)`, after the
 * declared fields were checked (the unsafe keys, which valibot does not copy, before).
 */
export const strictObject = <E extends Entries>(entries: E, unknownKey: (key: string) => string) => {
  const unknownIn = (keys: string[]) => keys.find((key) => !Object.hasOwn(entries, key));
  return v.pipe(
    v.custom<JsonObject>(isObject, 'must be a JSON object'),
    v.rawCheck<JsonObject>(({ dataset, addIssue }) => {
      const key = unknownIn(Object.keys(dataset.value as JsonObject).filter((name) => UNSAFE_KEYS.has(name)));
      if (key !== undefined) addIssue({ message: unknownKey(key), path: at(key) });
    }),
    option(entries, 'a JSON object'),
    v.rawCheck<JsonObject>(({ dataset, addIssue }) => {
      const key = unknownIn(Object.keys(dataset.value as JsonObject));
      if (key !== undefined) addIssue({ message: unknownKey(key), path: at(key) });
    }),
  );
};

/** One of the given values (any type), else `message`. */
export const oneOf = <T>(values: readonly T[], message: string) =>
  v.custom<T>((value) => values.includes(value as T), message);

const keyOf = (issue: AnyIssue): unknown => (issue.path?.[0] as { key?: unknown } | undefined)?.key;

export interface TextRule {
  max: number;
  /** what the value is, for the message; default "a string" */
  what?: string;
}

const isBlank = (value: string): boolean => value.trim() === '';

/** A non-blank string of at most `max` characters (code points). */
export const text = ({ max, what = 'a string' }: TextRule) => {
  const required = `required, ${what} of 1 to ${max} characters`;
  return v.pipe(
    v.string(required),
    v.check((value) => !isBlank(value), required),
    v.check(
      (value) => characterCount(value) <= max,
      (issue) => `is ${characterCount(String(issue.input))} characters; at most ${max}`,
    ),
  );
};

/** A non-blank string where Meta sets no length limit of its own. */
export const string = (what: string) => {
  const required = `required, ${what}`;
  return v.pipe(
    v.string(required),
    v.check((value) => !isBlank(value), required),
  );
};

/** A string matching a pattern; `message` says what it must be. */
export const matching = (pattern: RegExp, message: string) =>
  v.custom<string>((value) => typeof value === 'string' && pattern.test(value), message);

export const isHttpsUrl = (value: unknown): value is string => {
  if (typeof value !== 'string' || /\s/.test(value)) return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
};

export const numberIn = (min: number, max: number) => {
  const inRange = (value: unknown) => typeof value === 'number' && value >= min && value <= max;
  return v.custom<number>(inRange, `required, a number from ${min} to ${max}`);
};

/** An array of `min` to `max` items (each checked by `item`); the message says how many it has. */
export const array = <S extends AnySchema>(item: S, min: number, max: number, what: string) => {
  const size = max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  const message = (issue: AnyIssue): string =>
    `required, an array of ${size} ${what}${Array.isArray(issue.input) ? `; it has ${issue.input.length}` : ''}`;
  // The count first, as a person reads the message: before the first bad item of a long list.
  return v.pipe(
    v.custom<unknown[]>((value) => Array.isArray(value) && value.length >= min && value.length <= max, message),
    v.array(item, message),
  );
};

/** Any value, to be read further down a pipe; `message` is what a missing field answers. */
export const given = (message: string) => v.custom<unknown>(() => true, message);

/** A value that must be left out; `message` says why. */
export const absent = (message: string) => v.optional(v.custom<never>(() => false, message));
