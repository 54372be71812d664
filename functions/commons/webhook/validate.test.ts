import { safeParse, string, type BaseIssue, type BaseSchema } from 'valibot';
import { isObject } from '#commons/json';
import {
  MAX_ID_LENGTH,
  MAX_REASON_LENGTH,
  epochSeconds,
  errorCode,
  expectedObject,
  idLike,
  lenient,
  nonEmptyString,
  oneOf,
  outputOf,
  readItem,
  reasonOf,
  record,
  templateId,
  typeName,
} from './validate';

type Schema<T> = BaseSchema<unknown, T, BaseIssue<unknown>>;

/** Runs a schema and returns what it read and every problem it reported. */
const run = <T>(schema: Schema<T>, value: unknown): { value: T | undefined; issues: string[] } => {
  const result = safeParse(schema, value);
  return result.success
    ? { value: result.output, issues: [] }
    : { value: undefined, issues: result.issues.map((issue) => issue.message) };
};

const accepts = <T>(schema: Schema<T>, value: unknown, expected: T): void => {
  const result = run(schema, value);
  expect(result.issues).toStrictEqual([]);
  expect(result.value).toBe(expected);
};

const rejects = <T>(schema: Schema<T>, value: unknown, issues: string[]): void => {
  expect(run(schema, value)).toStrictEqual({ value: undefined, issues });
};

describe('isObject and typeName', () => {
  it('counts only non-null, non-array objects as objects', () => {
    expect([{}, Object.create(null), new Date(0)].every(isObject)).toBe(true);
    expect([null, undefined, [], 'x', 1, true].some(isObject)).toBe(false);
  });

  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [[], 'array'],
    [{}, 'object'],
    [Object.create(null), 'object'],
    [new Date(0), 'Date'],
    ['x', 'string'],
    [1, 'number'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    [true, 'boolean'],
    [10n, 'bigint'],
  ])('names %p as %s', (value, name) => {
    expect(typeName(value)).toBe(name);
  });

  it('words the reason of a non-object item', () => {
    expect(expectedObject(null)).toBe('Invalid input: expected object, received null');
    expect(expectedObject([1])).toBe('Invalid input: expected object, received array');
  });
});

describe('nonEmptyString', () => {
  it('accepts any non-empty string as it is', () => {
    accepts(nonEmptyString, 'a', 'a');
    accepts(nonEmptyString, ' ', ' ');
  });

  it.each([
    ['', ['Too small: expected string to have >=1 characters']],
    [undefined, ['Invalid input: expected string, received undefined']],
    [null, ['Invalid input: expected string, received null']],
    [5, ['Invalid input: expected string, received number']],
    [{}, ['Invalid input: expected string, received object']],
    [[1], ['Invalid input: expected string, received array']],
    [[], ['Invalid input: expected string, received array']],
    [{ length: 0 }, ['Invalid input: expected string, received object']],
    [{ length: 2 }, ['Invalid input: expected string, received object']],
  ])('rejects %p with the messages parked items have always carried', (value, issues) => {
    rejects(nonEmptyString, value, issues);
  });

  it('does not throw on a length that cannot become a number', () => {
    const value = JSON.parse('{"length": {"toString": 1, "valueOf": 1}}') as unknown;
    rejects(nonEmptyString, value, ['Invalid input: expected string, received object']);
  });

  it('refuses an id longer than DynamoDB should key on', () => {
    accepts(nonEmptyString, 'x'.repeat(MAX_ID_LENGTH), 'x'.repeat(MAX_ID_LENGTH));
    rejects(nonEmptyString, 'x'.repeat(MAX_ID_LENGTH + 1), ['Too big: expected string to have <=512 characters']);
    rejects(idLike, 'x'.repeat(MAX_ID_LENGTH + 1), ['Too big: expected string to have <=512 characters']);
  });
});

describe('idLike', () => {
  it('accepts a non-empty string, and a non-negative safe integer as its decimal string', () => {
    accepts(idLike, '102290129340398', '102290129340398');
    accepts(idLike, 0, '0');
    accepts(idLike, -0, '0');
    accepts(idLike, 16505551234, '16505551234');
  });

  it('says why an empty string is refused', () => {
    rejects(idLike, '', ['Too small: expected string to have >=1 characters']);
  });

  it.each([undefined, null, -1, 1.5, 2 ** 53, Number.NaN, true, [], {}, { length: 0 }])('refuses %p', (value) => {
    rejects(idLike, value, ['expected a non-empty string id']);
  });
});

describe('epochSeconds', () => {
  const UNION = 'expected Unix seconds as a digit string or a non-negative integer';

  it('reads digit strings of up to 11 digits and non-negative integers', () => {
    accepts(epochSeconds, '1749416383', 1749416383);
    accepts(epochSeconds, '0', 0);
    accepts(epochSeconds, 1749416383, 1749416383);
    accepts(epochSeconds, 99_999_999_999, 99_999_999_999);
  });

  it.each(['', 'now', '-5', '1.5', ' 1', '1\n', '1749416383000', undefined, null, 1.5, Number.NaN, true, [], {}])(
    'refuses %p as a whole',
    (value) => {
      rejects(epochSeconds, value, [UNION]);
    },
  );

  it('tells an integer everything that is wrong with it', () => {
    rejects(epochSeconds, -5, ['Too small: expected number to be >=0']);
    rejects(epochSeconds, 1749416383000, ['Too big: expected number to be <=99999999999']);
    rejects(epochSeconds, 2 ** 60, [
      'Too big: expected int to be <=9007199254740991',
      'Too big: expected number to be <=99999999999',
    ]);
    rejects(epochSeconds, -(2 ** 60), [
      'Too small: expected int to be >=-9007199254740991',
      'Too small: expected number to be >=0',
    ]);
  });
});

describe('templateId', () => {
  it('reads a safe integer or a digit string as a string', () => {
    accepts(templateId, 1689556908129832, '1689556908129832');
    accepts(templateId, '1689556908129832', '1689556908129832');
    accepts(templateId, '1'.repeat(30), '1'.repeat(30));
  });

  it('refuses ids whose precision is lost or that are not integers', () => {
    rejects(templateId, 2 ** 60, ['expected an integer template id']);
    rejects(templateId, 1.5, ['expected an integer template id']);
    rejects(templateId, -1, ['expected an integer template id']);
    rejects(templateId, null, ['expected an integer template id']);
    rejects(templateId, '12a', ['Invalid string: must match pattern /^\\d{1,30}$/']);
    rejects(templateId, '1'.repeat(31), ['Invalid string: must match pattern /^\\d{1,30}$/']);
  });
});

describe('errorCode', () => {
  it('reads an integer, also a negative one or one sent as a string', () => {
    accepts(errorCode, 131047, 131047);
    accepts(errorCode, -1, -1);
    accepts(errorCode, '131047', 131047);
    accepts(errorCode, '-3', -3);
  });

  it('refuses what is not an integer, and integers beyond 2^53', () => {
    rejects(errorCode, 'abc', ['expected an integer error code']);
    rejects(errorCode, '1.5', ['expected an integer error code']);
    rejects(errorCode, 1.5, ['expected an integer error code']);
    rejects(errorCode, undefined, ['expected an integer error code']);
    rejects(errorCode, 2 ** 60, ['Too big: expected int to be <=9007199254740991']);
  });
});

describe('oneOf', () => {
  const colour = oneOf(['red', 'green'] as const);

  it('accepts exactly the listed values', () => {
    accepts(colour, 'red', 'red');
    rejects(colour, 'RED', ['Invalid option: expected one of "red"|"green"']);
    rejects(colour, undefined, ['Invalid option: expected one of "red"|"green"']);
  });
});

describe('lenient fields and records', () => {
  const item = record({ s: lenient(string()), id: lenient(idLike), required: nonEmptyString });

  it('read a value of the right type and treat anything else as absent', () => {
    expect(outputOf(item, { s: 'x', id: 7, required: 'r' })).toMatchObject({ s: 'x', id: '7', required: 'r' });
    expect(outputOf(item, { s: 5, id: '', required: 'r' })).toMatchObject({ s: undefined, id: undefined });
    expect(outputOf(epochSeconds, 5)).toBe(5);
    expect(outputOf(epochSeconds, 'x')).toBeUndefined();
  });

  it('keeps fields it does not declare, and refuses what is not an object', () => {
    expect(outputOf(item, { required: 'r', extra: { deep: [1] } })).toMatchObject({ extra: { deep: [1] } });
    for (const value of [null, [], 'x', 1]) {
      expect(readItem(item, value)).toStrictEqual({ reason: expectedObject(value) });
    }
  });
});

describe('reasons', () => {
  const item = record({ id: nonEmptyString, timestamp: epochSeconds, type: nonEmptyString });

  it('names each problem under its field, in the order the fields are declared', () => {
    expect(readItem(item, { id: '', timestamp: 'now', type: 'text' })).toStrictEqual({
      reason:
        'id: Too small: expected string to have >=1 characters; ' +
        'timestamp: expected Unix seconds as a digit string or a non-negative integer',
    });
  });

  it('says which required field is missing', () => {
    expect(readItem(item, { id: 'a', type: 'text' })).toStrictEqual({ reason: 'timestamp: required but missing' });
  });

  it('keeps the reason to five issues and a bounded length', () => {
    const wide = record(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, nonEmptyString])));
    const read = readItem(wide, Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, []])));
    expect('reason' in read && read.reason.split('; ')).toHaveLength(5);

    const key = 'k'.repeat(MAX_REASON_LENGTH);
    const long = safeParse(record({ [key]: nonEmptyString }), {});
    const reason = reasonOf(long.issues ?? []);
    expect(reason).toHaveLength(MAX_REASON_LENGTH + 1);
    expect(reason.endsWith('…')).toBe(true);
  });
});
