/**
 * A strict JSON parser (RFC 8259) that also remembers where every value starts, so that a check
 * failing on `versions[3].markets["North America"]` can name the line of the file a person edits.
 * JSON.parse gives no positions, and a general-purpose parser library is more than this needs.
 */

/** Property names and array indexes from the root. */
export type JsonPath = ReadonlyArray<string | number>;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `versions[3].markets["North America"]`; the root is `(root)`. */
export const formatPath = (path: JsonPath): string => {
  if (path.length === 0) return '(root)';
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (!IDENTIFIER.test(segment)) return `[${JSON.stringify(segment)}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
};

export class JsonSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`line ${line}, column ${column}: ${problem}`);
    this.name = 'JsonSyntaxError';
  }
}

export interface LocatedJson {
  value: unknown;
  /** The 1-based line where the value at `path` starts; for a path that does not exist, its nearest existing ancestor's. */
  lineOf(path: JsonPath): number;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS: ReadonlyArray<[string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
];
/** Deep enough for any rate card, shallow enough that a hostile file cannot exhaust the stack. */
const MAX_DEPTH = 64;

const pathKey = (path: JsonPath): string => JSON.stringify(path);

export const parseJsonWithLines = (text: string): LocatedJson => {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineAt = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
  const fail = (offset: number, problem: string): never => {
    const line = lineAt(offset);
    throw new JsonSyntaxError(line, offset - (lineStarts[line - 1] ?? 0) + 1, problem);
  };

  const offsets = new Map<string, number>();
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const skipSpace = () => {
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === 32 || c === 9 || c === 10 || c === 13) at++;
      else return;
    }
  };
  const describe = (offset: number): string =>
    offset >= text.length ? 'the end of the file' : JSON.stringify(text.slice(offset, offset + 12));

  const parseString = (): string => {
    const start = at;
    at++;
    for (;;) {
      if (at >= text.length) return fail(start, 'unterminated string');
      const c = text.charCodeAt(at);
      if (c === 34) break;
      if (c < 0x20) return fail(at, 'control character inside a string (escape it)');
      at += c === 92 ? 2 : 1;
    }
    at++;
    try {
      return JSON.parse(text.slice(start, at)) as string;
    } catch {
      return fail(start, 'invalid escape in string');
    }
  };

  const parseValue = (path: Array<string | number>, depth: number): unknown => {
    skipSpace();
    if (depth > MAX_DEPTH) return fail(at, `nesting deeper than ${MAX_DEPTH}`);
    offsets.set(pathKey(path), at);
    const c = text[at];
    if (c === '{') {
      at++;
      const object: Record<string, unknown> = {};
      skipSpace();
      if (text[at] === '}') {
        at++;
        return object;
      }
      for (;;) {
        skipSpace();
        if (text[at] !== '"') return fail(at, `expected a property name in double quotes, found ${describe(at)}`);
        const keyAt = at;
        const key = parseString();
        if (Object.hasOwn(object, key)) return fail(keyAt, `duplicate property ${JSON.stringify(key)}`);
        skipSpace();
        if (text[at] !== ':') return fail(at, `expected ':' after property name, found ${describe(at)}`);
        at++;
        path.push(key);
        Object.defineProperty(object, key, {
          value: parseValue(path, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        path.pop();
        skipSpace();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === '}') {
          at++;
          return object;
        }
        return fail(at, `expected ',' or '}' after a property value, found ${describe(at)}`);
      }
    }
    if (c === '[') {
      at++;
      const array: unknown[] = [];
      skipSpace();
      if (text[at] === ']') {
        at++;
        return array;
      }
      for (;;) {
        path.push(array.length);
        array.push(parseValue(path, depth + 1));
        path.pop();
        skipSpace();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === ']') {
          at++;
          return array;
        }
        return fail(at, `expected ',' or ']' after a list element, found ${describe(at)}`);
      }
    }
    if (c === '"') return parseString();
    NUMBER.lastIndex = at;
    const number = NUMBER.exec(text);
    if (number) {
      at += number[0].length;
      return Number(number[0]);
    }
    for (const [word, value] of LITERALS) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return value;
      }
    }
    return fail(at, `expected a value, found ${describe(at)}`);
  };

  const value = parseValue([], 0);
  skipSpace();
  if (at < text.length) fail(at, `unexpected ${describe(at)} after the end of the document`);

  return {
    value,
    lineOf: (path) => {
      for (let length = path.length; length >= 0; length--) {
        const offset = offsets.get(pathKey(path.slice(0, length)));
        if (offset !== undefined) return lineAt(offset);
      }
      return 1;
    },
  };
};
