import type { WindowState } from '#domain/window';

/** Whether a window write would change nothing (both adapters skip it: a redelivered message writes nothing). */
export const sameWindow = (a: WindowState | undefined, b: WindowState | undefined): boolean => {
  if (a === undefined || b === undefined) return a === b;
  const instants = (w: WindowState) => [...new Set([w.lastInboundAt, ...(w.inboundAt ?? [])])].sort((x, y) => x - y);
  return (
    a.lastInboundAt === b.lastInboundAt &&
    a.expiresAt === b.expiresAt &&
    a.closedAt === b.closedAt &&
    a.referralAt === b.referralAt &&
    instants(a).join(',') === instants(b).join(',')
  );
};
