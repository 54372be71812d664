import { formatPath } from './rate-card';
import { JsonSyntaxError, jsonPositions } from './rate-card-file';

describe('formatPath', () => {
  it('writes identifiers with dots, other names quoted in brackets, indexes in brackets', () => {
    expect(formatPath(['versions', 3, 'markets', 'North America'])).toBe('versions[3].markets["North America"]');
    expect(formatPath(['versions', 0, 'rates', 'Other', 'marketing'])).toBe('versions[0].rates.Other.marketing');
    expect(formatPath([])).toBe('(root)');
  });
});

describe('jsonPositions (jsonc-parser)', () => {
  const text = ['{', '  "a": 1,', '  "b": [', '    "x",', '    { "c": null }', '  ]', '}'].join('\n');

  it('parses like JSON.parse', () => {
    expect(jsonPositions(text).value).toEqual(JSON.parse(text));
    const tricky = '{"s":"a\\"b\\u00e9\\n","n":-1.5e3,"t":true,"f":false,"e":[],"o":{}}';
    expect(jsonPositions(tricky).value).toEqual(JSON.parse(tricky));
  });

  it('gives the line where each value starts', () => {
    const { lineOf } = jsonPositions(text);
    expect(lineOf([])).toBe(1);
    expect(lineOf(['a'])).toBe(2);
    expect(lineOf(['b'])).toBe(3);
    expect(lineOf(['b', 0])).toBe(4);
    expect(lineOf(['b', 1, 'c'])).toBe(5);
  });

  it('gives the nearest existing ancestor for a path that does not exist', () => {
    const { lineOf } = jsonPositions(text);
    expect(lineOf(['b', 1, 'missing'])).toBe(5);
    expect(lineOf(['b', 7])).toBe(3);
  });

  it('keeps a property named __proto__ as data', () => {
    const { value } = jsonPositions('{"__proto__": {"polluted": true}}');
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['{\n  "a": 1,\n}', 3, 'expected a property name in double quotes, found "}"'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, "expected ',' or '}'"],
    ['[1,\n 2\n', 3, "expected ',' or ']'"],
    ['{"a": 1, "a": 2}', 1, 'duplicate property "a"'],
    ['{"a": tru}', 1, 'expected a value'],
    ['{"a": "x\n"}', 1, 'control character'],
    ['{"a": 1} x', 1, 'after the end of the document'],
    ['', 1, 'expected a value, found the end of the file'],
  ])('refuses %j at line %i', (input, line, problem) => {
    let caught: unknown;
    try {
      jsonPositions(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JsonSyntaxError);
    expect((caught as JsonSyntaxError).line).toBe(line);
    expect((caught as JsonSyntaxError).problem).toContain(problem);
  });
});
