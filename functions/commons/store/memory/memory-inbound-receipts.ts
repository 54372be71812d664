import type { EpochSeconds } from '#domain/time';
import { inboundRefOf, type InboundMessageRef, type InboundReceipts } from '../inbound-receipts';
import { messageItem } from '../items/message';
import type { MemoryTable } from './memory-table';

/** Read receipts on the inbound message items of the in-memory table. */
export class MemoryInboundReceipts implements InboundReceipts {
  constructor(private readonly table: MemoryTable) {}

  async readInbound(wamid: string): Promise<InboundMessageRef | undefined> {
    return inboundRefOf(this.table.get(messageItem.key(wamid)));
  }

  async recordRead(wamid: string, at: EpochSeconds, typing: boolean): Promise<void> {
    const key = messageItem.key(wamid);
    const item = this.table.get(key);
    if (!item || item.direction !== 'inbound' || (typeof item.readAt === 'number' && item.readAt >= at)) return;
    this.table.update(key, { status: 'read', readAt: at, ...(typing ? { typingAt: at } : {}) });
  }
}
