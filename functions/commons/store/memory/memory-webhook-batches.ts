import { toWebhookBatchItem } from '../items/webhook-batch';
import type { AcceptedBatch, WebhookBatchChunk, WebhookBatches } from '../webhook-batches';
import type { MemoryTable } from './memory-table';

export class MemoryWebhookBatches implements WebhookBatches {
  constructor(private readonly table: MemoryTable) {}

  async accept(chunks: readonly WebhookBatchChunk[]): Promise<AcceptedBatch> {
    const accepted: AcceptedBatch = { written: 0, already: 0 };
    for (const chunk of chunks) {
      const item = toWebhookBatchItem(chunk);
      if (this.table.get(item)) accepted.already++;
      else {
        this.table.put(item);
        accepted.written++;
      }
    }
    return accepted;
  }
}
