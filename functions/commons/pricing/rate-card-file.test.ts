import { checkRateCard, formatPath } from './rate-card';
import { JsonSyntaxError, jsonPositions, loadRateCard } from './rate-card-file';

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

describe('loadRateCard and checkRateCard name every problem', () => {
  const card = (version: Record<string, unknown>) =>
    JSON.stringify(
      {
        versions: [
          {
            effectiveFrom: '2025-07-01',
            model: 'per-message',
            currency: 'USD',
            source: 'test',
            sourceDate: '2025-07',
            markets: { India: ['IN'], Other: [] },
            categories: ['marketing', 'utility'],
            rates: { Other: { marketing: '0.06' } },
            free: { pricingTypes: [], categories: [] },
            ...version,
          },
        ],
      },
      null,
      2,
    );

  it('lists each problem of the shape on its own line, with its line', () => {
    const text = card({ effectiveFrom: '2025-02-30', model: 'x' });
    expect(() => loadRateCard(text, 'acme.json')).toThrow(
      'acme.json line 4: versions[0].effectiveFrom must be a UTC day written YYYY-MM-DD, not "2025-02-30"\n' +
        'acme.json line 5: versions[0].model must be one of "conversation", "per-message", not "x"',
    );
  });

  it('checks the rules between fields once the shape is right, all of them', () => {
    const value = JSON.parse(
      card({
        markets: { India: ['IN'], Other: ['US'] },
        rates: { Spain: { marketing: '1' }, India: { marketting: '1' } },
        rateFallbacks: { marketing: 'utility', utility: 'marketing' },
      }),
    ) as unknown;
    expect(() => checkRateCard(value, 'acme.json')).toThrow(
      [
        'acme.json: versions[0].markets.Other must be an empty list: Other holds every country that no market lists',
        'acme.json: versions[0].rateFallbacks.marketing leads round in a circle',
        'acme.json: versions[0].rateFallbacks.utility leads round in a circle',
        'acme.json: versions[0].rates.Spain is not a market of this version (add it to markets first)',
        'acme.json: versions[0].rates.India.marketting must be one of this version\'s categories (marketing, utility), not "marketting"',
        'acme.json: versions[0].rates.Other is required: it prices every market without rates of its own',
      ].join('\n'),
    );
  });

  it('caps a long list of problems', () => {
    const markets = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`M${i}`, 'not a list']));
    const message = (() => {
      try {
        loadRateCard(card({ markets }));
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message.split('\n')).toHaveLength(11);
    expect(message.endsWith('… and 2 more problems')).toBe(true);
  });
});
