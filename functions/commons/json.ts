/** A JSON object as `JSON.parse` gives it: string keys, values not yet checked. */
export type JsonObject = Record<string, unknown>;

/** A non-null, non-array object: what a JSON `{...}` parses to. */
export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
