import type { TableKey } from '../table-schema';

/**
 * What every item module declares about its kind, in the spirit of ElectroDB's models: the key
 * template, how to recognise its keys (stream images, scans), the TTL attribute if the kind expires,
 * and the access patterns it serves. The attributes are the module's exported item type.
 */
export interface ItemDeclaration<Args extends unknown[]> {
  kind: string;
  key: (...args: Args) => TableKey;
  /** true when a key (e.g. of a stream image) belongs to this kind */
  matches: (key: TableKey) => boolean;
  /** the epoch-seconds attribute DynamoDB's TTL deletes by (tableSchema.timeToLiveAttribute), if any */
  ttl?: 'expiresAt';
  /** the reads and writes this kind serves, by name (each described where it is declared) */
  accessPatterns: readonly string[];
}

export const declare = <Args extends unknown[]>(declaration: ItemDeclaration<Args>): ItemDeclaration<Args> =>
  declaration;
