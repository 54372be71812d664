/**
 * Logs may identify a user only by a masked id: enough for support to correlate ("…4567"),
 * not enough to recover the phone number or business-scoped user id.
 */
export const maskId = (id: string | undefined): string | undefined => {
  if (id === undefined) return undefined;
  if (id.length <= 4) return '*'.repeat(id.length);
  return `${'*'.repeat(Math.min(id.length - 4, 8))}${id.slice(-4)}`;
};
