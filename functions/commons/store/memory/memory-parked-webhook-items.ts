import { toParkedWebhookItem, type ParkedWebhookContent } from '../items/parked-webhook-item';
import type { ParkedWebhookItems } from '../parked-webhook-items';
import type { MemoryTable } from './memory-table';

export class MemoryParkedWebhookItems implements ParkedWebhookItems {
  constructor(private readonly table: MemoryTable) {}

  async park(content: ParkedWebhookContent): Promise<void> {
    this.table.put(toParkedWebhookItem(content));
  }
}
