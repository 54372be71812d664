import fc from 'fast-check';
/** JSON as the fuzzers build it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Slot = { parent: Json[] | { [key: string]: Json }; key: string | number };

/** Every container entry (array index or object key) of a payload, in a stable order: where a mutation can go. */
export const slots = (value: Json): Slot[] => {
  const found: Slot[] = [];
  const walk = (node: Json) => {
    if (Array.isArray(node)) {
      node.forEach((child, index) => {
        found.push({ parent: node, key: index });
        walk(child);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        found.push({ parent: node, key });
        walk(node[key] as Json);
      }
    }
  };
  walk(value);
  return found;
};

/** `depth` levels of alternating objects and arrays around one string: a body that recursion chokes on. */
export const deeplyNested = (depth: number): Json => {
  let value: Json = 'x';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

/**
 * Values a hostile or broken sender could put anywhere: wrong types, long grapheme strings, the
 * route's own tricky `tokens`, strings of up to `maxKb` KB, nesting `depth` deep, any JSON.
 */
export const hostileValues = (
  graphemes: number,
  maxKb: number,
  depth: { min: number; max: number },
  tokens: string[],
): fc.Arbitrary<Json> =>
  fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string(),
    fc.string({ unit: 'grapheme', maxLength: graphemes }),
    fc.constantFrom(...tokens),
    fc.integer({ min: 1, max: maxKb }).map((kb) => 'x'.repeat(kb * 1024)),
    fc.integer(depth).map(deeplyNested),
    fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  );

/**
 * A change at one of a payload's slots (`at` modulo their count): its value replaced, the entry
 * dropped, an array item duplicated, or prototype-polluting keys written into an object.
 */
export type SlotMutation =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'proto'; at: number };

/** Slot mutations, replacements the most often, with a fuzzer's own kinds of change weighted in among them. */
export const slotMutations = <Own>(
  value: fc.Arbitrary<Json>,
  own: Array<fc.WeightedArbitrary<Own>>,
): fc.Arbitrary<SlotMutation | Own> =>
  fc.oneof<Array<fc.WeightedArbitrary<SlotMutation | Own>>>(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }) },
    ...own,
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('proto' as const), at: fc.nat() }) },
  );
