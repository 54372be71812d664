/**
 * A rate card file read where a person can fix it: at deploy (`cdk synth -c rateCard=…`) and at start
 * (`RATE_CARD_FILE=… npm start`). jsonc-parser gives the position of every value, so a refusal names
 * the file, the line and the field. Lambdas never import this module: the file they get was checked
 * here first, and they check it again without positions (./active-rate-card).
 */
import { readFileSync } from 'node:fs';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { describeProblems, rateCardProblems, type JsonPath, type RateCard } from './rate-card';

const SYNTAX: Partial<Record<ReturnType<typeof printParseErrorCode>, string>> = {
  InvalidSymbol: 'expected a value',
  InvalidNumberFormat: 'not a JSON number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':' after the property name",
  CommaExpected: "expected ',' or '}' (or ']' in a list)",
  CloseBraceExpected: "expected ',' or '}'",
  CloseBracketExpected: "expected ',' or ']'",
  EndOfFileExpected: 'unexpected text after the end of the document',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfString:
    'a string is not closed on its line (a line break or other control character in a string must be escaped)',
  UnexpectedEndOfNumber: 'a number is cut short',
  InvalidUnicode: 'a \\u escape needs four hex digits',
  InvalidEscapeCharacter: 'not a JSON escape',
  InvalidCharacter: 'a control character must be escaped inside a string',
};

/** The positions of a JSON text's values, or the first syntax error (JSON proper: no comments, no trailing commas). */
export interface JsonPositions {
  value: unknown;
  /** 1-based line where the value at `path` starts; for a path that does not exist, its nearest ancestor's */
  lineOf(path: JsonPath): number;
}

export class JsonSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`line ${line}: not valid JSON: ${problem} (column ${column})`);
  }
}

/** The first object in the tree that names one property twice (JSON.parse would keep the last silently). */
const firstDuplicate = (root: Node): Node | undefined => {
  const pending = [root];
  for (let node = pending.pop(); node; node = pending.pop()) {
    const seen = new Set<unknown>();
    for (const child of node.children ?? []) {
      if (node.type === 'object') {
        const key = child.children?.[0];
        if (key && seen.has(key.value)) return key;
        seen.add(key?.value);
      }
      pending.push(child);
    }
  }
  return undefined;
};

export const jsonPositions = (text: string): JsonPositions => {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineAt = (offset: number): number => lineStarts.filter((start) => start <= offset).length;
  const fail = (offset: number, problem: string): never => {
    const line = lineAt(offset);
    throw new JsonSyntaxError(line, offset - (lineStarts[line - 1] ?? 0) + 1, problem);
  };

  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const [first] = errors;
  if (first) {
    const found = text.slice(first.offset).split('\n')[0]?.slice(0, 20);
    // Text after the document reads as a bad value to the scanner; naming it as trailing text says more.
    const code =
      root && first.offset >= root.offset + root.length && first.offset < text.length
        ? 'EndOfFileExpected'
        : printParseErrorCode(first.error);
    const words = SYNTAX[code] ?? code;
    fail(first.offset, found ? `${words}, found ${JSON.stringify(found)}` : `${words}, found the end of the file`);
  }
  if (!root) return fail(0, 'expected a value, found the end of the file');
  const duplicate = firstDuplicate(root);
  if (duplicate) fail(duplicate.offset, `duplicate property ${JSON.stringify(duplicate.value)}`);
  return {
    // The text is valid JSON now; JSON.parse keeps a property named __proto__ as data.
    value: JSON.parse(text) as unknown,
    lineOf(path) {
      for (let length = path.length; length > 0; length--) {
        const node = findNodeAtLocation(root, path.slice(0, length) as Array<string | number>);
        if (node) return lineAt(node.offset);
      }
      return lineAt(root.offset);
    },
  };
};

/**
 * Parses and checks a rate card's text. A broken one is refused with an Error whose message names the
 * file, the line and the field, e.g.
 * `rate-card.json line 42: versions[3].markets["North America"] must be a list of ISO country codes`.
 */
export const loadRateCard = (text: string, fileName = 'rate-card.json'): RateCard => {
  let positions: JsonPositions;
  try {
    positions = jsonPositions(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new Error(`${fileName} ${error.message}`, { cause: error });
    throw error;
  }
  const checked = rateCardProblems(positions.value);
  if ('card' in checked) return checked.card;
  throw new Error(describeProblems(checked.problems, (path) => `${fileName} line ${positions.lineOf(path)}`));
};

/** Reads and checks a rate card file (deploy and start time). */
export const loadRateCardFile = (file: string): RateCard => loadRateCard(readFileSync(file, 'utf8'), file);
