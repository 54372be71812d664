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
