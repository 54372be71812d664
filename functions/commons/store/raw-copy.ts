/**
 * DynamoDB caps an item at 400 KB, counted in UTF-8 bytes of names and values:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items
 * Raw payloads kept for inspection are cut well below that, by bytes, never splitting a character
 * (a body of 3-byte characters cut at 300,000 characters would be 900 KB).
 */
export const MAX_RAW_BYTES = 300_000;

/** Fields kept beside the raw copy are cut too, so no single field can push the item over 400 KB. */
export const MAX_FIELD_BYTES = 2048;

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes, cut at a character boundary. */
export const cutToBytes = (text: string, maxBytes: number): string => {
  // Every UTF-16 code unit is at most 3 bytes, so text this short fits without measuring.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that does not fit.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
};

/** Raw content as JSON, cut to size; a value nested too deeply to serialize is kept as a note instead. */
export const rawJson = (value: unknown): { text: string; truncated: boolean } => {
  let text: string;
  try {
    text = JSON.stringify(value) ?? 'null';
  } catch {
    text = JSON.stringify({ unserializable: 'nested too deeply to keep' });
  }
  const cut = cutToBytes(text, MAX_RAW_BYTES);
  return { text: cut, truncated: cut.length < text.length };
};

export const cutFields = <T extends Record<string, unknown>>(fields: T): T =>
  Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      typeof value === 'string' ? cutToBytes(value, MAX_FIELD_BYTES) : value,
    ]),
  ) as T;
