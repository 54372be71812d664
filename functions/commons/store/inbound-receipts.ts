import type { EpochSeconds } from '#domain/time';

/** A user's message as a read receipt needs it: whose it is and when it came. */
export interface InboundMessageRef {
  phoneNumberId: string;
  contactId: string;
  /** Meta's timestamp of the message */
  timestamp: EpochSeconds;
}

/**
 * Read receipts on users' messages: the one writer of `status: 'read'`, `readAt` and `typingAt` on an
 * inbound message item (the history index projects `status`, so a history page shows the read);
 * the message item itself stays the ledger's.
 */
export interface InboundReceipts {
  /** The user's message by Meta's id; undefined when unknown or a business message. */
  readInbound(wamid: string): Promise<InboundMessageRef | undefined>;
  /** Marks it read at `at` (and that a typing indicator was shown); a later mark never moves it back. */
  recordRead(wamid: string, at: EpochSeconds, typing: boolean): Promise<void>;
}

/** The user's message an item read holds; undefined for none or a business message (both adapters read here). */
export const inboundRefOf = (item: Record<string, unknown> | undefined): InboundMessageRef | undefined =>
  item && item.direction === 'inbound'
    ? {
        phoneNumberId: String(item.phoneNumberId),
        contactId: String(item.contactId),
        timestamp: Number(item.timestamp),
      }
    : undefined;
