import type { TableKey } from '../table-schema';

export type MemoryItem = TableKey & Record<string, unknown>;

const id = (key: TableKey): string => `${key.pk}\u0000${key.sk}`;

const BYTES = '\u0000bytes';

/** Stored as DynamoDB's document client stores them: a copy, undefined attributes dropped, binary kept binary. */
const copy = <T>(value: T): T =>
  JSON.parse(
    JSON.stringify(value, function (this: Record<string, unknown>, key: string, field: unknown) {
      const raw = this[key];
      return raw instanceof Uint8Array ? { [BYTES]: Buffer.from(raw).toString('base64') } : field;
    }),
    (_, field: unknown) =>
      typeof field === 'object' && field !== null && BYTES in field
        ? new Uint8Array(Buffer.from(String((field as Record<string, unknown>)[BYTES]), 'base64'))
        : field,
  ) as T;

/**
 * The single table in memory, for the in-memory store fakes: items by key, a partition read in
 * sort-key order. Every call is synchronous, so a fake's check-then-write inside one method is
 * atomic, as a conditional write or a transaction is on DynamoDB. No TTL deletion: reads treat
 * expired items as the domain says, as they must on DynamoDB too.
 */
export class MemoryTable {
  private readonly items = new Map<string, MemoryItem>();

  get(key: TableKey): MemoryItem | undefined {
    const item = this.items.get(id(key));
    return item ? copy(item) : undefined;
  }

  put(item: MemoryItem): void {
    this.items.set(id(item), copy(item));
  }

  /** Sets attributes on the item (creating it), like an UpdateItem's SET. */
  update(key: TableKey, attributes: Record<string, unknown>): void {
    this.put({ ...(this.items.get(id(key)) ?? { pk: key.pk, sk: key.sk }), ...attributes, pk: key.pk, sk: key.sk });
  }

  delete(key: TableKey): void {
    this.items.delete(id(key));
  }

  /** Every item, in key order (for tests comparing whole tables). */
  all(): MemoryItem[] {
    return [...this.items.values()].sort((a, b) => id(a).localeCompare(id(b))).map(copy);
  }

  query(pk: string): MemoryItem[] {
    return [...this.items.values()]
      .filter((item) => item.pk === pk)
      .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0))
      .map(copy);
  }

  /** Every item that `matches`, for reads DynamoDB answers from an index (the history index). */
  scan(matches: (item: MemoryItem) => boolean): MemoryItem[] {
    return [...this.items.values()].filter(matches).map(copy);
  }
}
