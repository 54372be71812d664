/**
 * What the sandbox remembers of Meta's mark-as-read calls: the business marked a user's message read,
 * with or without the typing indicator (https://developers.facebook.com/docs/whatsapp/cloud-api/typing-indicators).
 * Meta answers `{ success: true }` and sends nothing, so this record is the only trace a test can check.
 */
export interface SandboxRead {
  phoneNumberId: string;
  messageId: string;
  typing: boolean;
  /** epoch seconds */
  at: number;
  /** the request body as received */
  body: Record<string, unknown>;
}

export class ReadLog {
  private readonly reads: SandboxRead[] = [];

  record(read: SandboxRead): { success: true } {
    this.reads.push(read);
    return { success: true };
  }

  /** copies, in order */
  list(): SandboxRead[] {
    return this.reads.map((read) => ({ ...read, body: structuredClone(read.body) }));
  }
}
