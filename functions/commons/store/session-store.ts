import type { UserIds } from '#domain/identity';
import type { ConversationState, WindowState } from '#domain/session';

/** What is stored about one user of one business number, whichever of their ids it was asked by. */
export interface StoredSession {
  ids: UserIds;
  window?: WindowState;
  /** every conversation item still in the table, expired or not: the domain decides what is open */
  conversations: ConversationState[];
}

/** The session route's view of storage; DynamoDbSessionStore implements it. */
export interface SessionStore {
  readSession(phoneNumberId: string, ids: UserIds): Promise<StoredSession>;
}
