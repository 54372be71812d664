import type { ContactItemReads } from '../contact-reads';
import { contactPk } from '../items/contact-partition';
import type { TableKey } from '../table-schema';
import type { MemoryTable } from './memory-table';

/** The contact store's item reads in memory; the contract tests hold them to DynamoDbContactReads'. */
export class MemoryContactReads implements ContactItemReads {
  constructor(private readonly table: MemoryTable) {}

  async readItems(keys: readonly TableKey[]): Promise<Record<string, unknown>[]> {
    return keys.flatMap((key) => this.table.get(key) ?? []);
  }

  async partition(phoneNumberId: string, contactId: string): Promise<Record<string, unknown>[]> {
    return this.table.query(contactPk(phoneNumberId, contactId));
  }
}
