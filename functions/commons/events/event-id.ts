import { createHash } from 'node:crypto';

/**
 * A stable event id: a UUID-shaped digest of the event type and the facts that identify the change,
 * so the same stored change (redelivered, retried, replayed) always carries the same id.
 */
export const eventIdOf = (detailType: string, ...parts: (string | number | undefined)[]): string => {
  const hex = createHash('sha256')
    .update([detailType, ...parts.map((part) => (part === undefined ? '' : String(part)))].join('\u0000'))
    .digest('hex');
  // Version 5-style layout (name-based, SHA digest): valid as a UUID for consumers that check.
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};
