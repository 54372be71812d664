/**
 * Small typed readers for Meta's webhook JSON. Hand-written rather than a schema library because the
 * webhook Lambda's bundle size and cold start must stay close to a DynamoDB-client-only bundle, and a
 * schema library alone more than doubled it. Messages keep the wording of the schemas these readers
 * replaced, so reasons recorded on parked items read the same before and after.
 *
 * None of these throw on any JSON value: a bad value is reported, never raised.
 */

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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

const expected = (what: string, value: unknown): string =>
  `Invalid input: expected ${what}, received ${typeName(value)}`;

/** The reason for an item (or a field) that should have been an object. */
export const expectedObject = (value: unknown): string => expected('object', value);

/** Receives one problem found in a value. */
export type Report = (message: string) => void;

/** Checks and converts one value; it returns undefined only after reporting at least one problem. */
export type Reader<T> = (value: unknown, report: Report) => T | undefined;

const ignore: Report = () => undefined;

/**
 * The former schemas' `min(1)` also measured the `length` of a non-string (an empty array, `{"length": 0}`)
 * and reported a second issue; reproduced so those reasons stay as they were. A `length` that cannot even
 * be turned into a number counts as too small: the schemas threw there, and these readers never do.
 */
const lengthIssue = (value: unknown): string | undefined => {
  if (value === null || value === undefined) return undefined;
  const length = (value as { length?: unknown }).length;
  if (length === undefined) return undefined;
  let atLeastOne: boolean;
  try {
    atLeastOne = Number(length) >= 1;
  } catch {
    atLeastOne = false;
  }
  if (atLeastOne) return undefined;
  return Array.isArray(value) ? 'Too small: expected array to have >=1 items' : 'Too small: expected unknown to be >=1';
};

/**
 * Ids, names and codes are short in Meta's payloads (a wamid is at most 128 characters, a template
 * name 512); anything longer is not kept as a key, where DynamoDB would refuse it, but parked raw.
 */
export const MAX_ID_LENGTH = 512;

export const nonEmptyString: Reader<string> = (value, report) => {
  if (typeof value === 'string') {
    if (value.length > MAX_ID_LENGTH) {
      report(`Too big: expected string to have <=${MAX_ID_LENGTH} characters`);
      return undefined;
    }
    if (value.length > 0) return value;
    report('Too small: expected string to have >=1 characters');
    return undefined;
  }
  report(expected('string', value));
  const second = lengthIssue(value);
  if (second !== undefined) report(second);
  return undefined;
};

const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

/** Beyond ±(2^53 - 1) a JSON integer has already lost precision, so it is refused rather than rounded. */
const reportUnsafe = (value: number, report: Report): boolean => {
  if (Number.isSafeInteger(value)) return false;
  report(
    value > 0
      ? `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`
      : `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`,
  );
  return true;
};

/** Ids Meta sends as strings; a number is accepted because some senders (and test tools) emit them so. */
export const idLike: Reader<string> = (value, report) => {
  if (typeof value === 'string') return nonEmptyString(value, report);
  if (isInteger(value) && Number.isSafeInteger(value) && value >= 0) return String(value);
  report('expected a non-empty string id');
  return undefined;
};

/** Unix seconds; 11 digits at most so a millisecond value is rejected rather than read as year 49,000. */
export const MAX_EPOCH_SECONDS = 99_999_999_999;
const EPOCH_DIGITS = /^\d{1,11}$/;

export const epochSeconds: Reader<number> = (value, report) => {
  if (typeof value === 'string' && EPOCH_DIGITS.test(value)) return Number(value);
  if (!isInteger(value)) {
    report('expected Unix seconds as a digit string or a non-negative integer');
    return undefined;
  }
  // An integer is told everything wrong with it, as the schema did, not just the first thing.
  let ok = !reportUnsafe(value, report);
  if (value < 0) {
    report('Too small: expected number to be >=0');
    ok = false;
  }
  if (value > MAX_EPOCH_SECONDS) {
    report(`Too big: expected number to be <=${MAX_EPOCH_SECONDS}`);
    ok = false;
  }
  return ok ? value : undefined;
};

const TEMPLATE_ID_DIGITS = /^\d{1,30}$/;

/** message_template_id is a JSON integer; precision beyond 2^53 is already lost, so reject it visibly. */
export const templateId: Reader<string> = (value, report) => {
  if (isInteger(value) && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string') {
    if (TEMPLATE_ID_DIGITS.test(value)) return value;
    report(`Invalid string: must match pattern ${TEMPLATE_ID_DIGITS}`);
    return undefined;
  }
  report('expected an integer template id');
  return undefined;
};

const ERROR_CODE_DIGITS = /^-?\d+$/;

export const errorCode: Reader<number> = (value, report) => {
  if (isInteger(value)) return reportUnsafe(value, report) ? undefined : value;
  if (typeof value === 'string' && ERROR_CODE_DIGITS.test(value)) return Number(value);
  report('expected an integer error code');
  return undefined;
};

export const oneOf = <T extends string>(values: readonly T[]): Reader<T> => {
  const message = `Invalid option: expected one of ${values.map((v) => `"${v}"`).join('|')}`;
  const isMember = (value: unknown): value is T => values.includes(value as T);
  return (value, report) => {
    if (isMember(value)) return value;
    report(message);
    return undefined;
  };
};

// Lenient reads, for descriptive fields: a mistyped value reads as absent, and `raw` keeps the original.

export const readString = (obj: JsonObject, key: string): string | undefined => {
  const value = obj[key];
  return typeof value === 'string' ? value : undefined;
};

export const readBoolean = (obj: JsonObject, key: string): boolean | undefined => {
  const value = obj[key];
  return typeof value === 'boolean' ? value : undefined;
};

export const readObject = (obj: JsonObject, key: string): JsonObject | undefined => {
  const value = obj[key];
  return isObject(value) ? value : undefined;
};

export const readArray = (obj: JsonObject, key: string): unknown[] | undefined => {
  const value = obj[key];
  return Array.isArray(value) ? value : undefined;
};

/** A strict reader used leniently: its problems are dropped and the field reads as absent. */
export const readLenient = <T>(obj: JsonObject, key: string, read: Reader<T>): T | undefined => read(obj[key], ignore);

/** Checks one value on its own, without a reason (e.g. an entry's id or time). */
export const check = <T>(value: unknown, read: Reader<T>): T | undefined => read(value, ignore);

export const MAX_REASON_LENGTH = 500;
const MAX_REASON_ISSUES = 5;

/**
 * Collects the problems of one item's fields, each under its key, so that a parked item's reason names
 * every bad field at once instead of only the first.
 */
export class Issues {
  private readonly messages: string[] = [];

  /** Reads a field that must be present and valid. */
  required<T>(obj: JsonObject, key: string, read: Reader<T>): T | undefined {
    return read(obj[key], (message) => {
      this.messages.push(`${key}: ${message}`);
    });
  }

  /** Reads a field that may be absent but, when present, must be valid. */
  optional<T>(obj: JsonObject, key: string, read: Reader<T>): T | undefined {
    return obj[key] === undefined ? undefined : this.required(obj, key, read);
  }

  get ok(): boolean {
    return this.messages.length === 0;
  }

  /** Bounded, so that an item full of bad fields cannot bloat the record it is parked in. */
  get reason(): string {
    const text = this.messages.slice(0, MAX_REASON_ISSUES).join('; ');
    return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}…` : text;
  }
}
