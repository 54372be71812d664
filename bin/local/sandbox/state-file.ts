/**
 * The sandbox's memory of users kept in a file (in the local data folder), so a restarted `npm start`
 * on a kept folder still knows who wrote when: Meta does not forget a user's window because our
 * stack restarted, and a reply inside it must not be refused with 131047 after a restart.
 * Only users (their last message per business number and their open conversations) are kept;
 * sent messages, faults and media are per run.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Users } from './users';

interface StoredUser {
  waId?: string;
  userId?: string;
  /** business number → epoch seconds of the user's last message */
  lastInbound: Record<string, number>;
  /** `<business number>|<category>` → the conversation Meta has open */
  conversations: Record<string, { id: string; expiresAt: number }>;
}

interface StoredState {
  version: 1;
  users: StoredUser[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isStoredUser = (value: unknown): value is StoredUser =>
  isRecord(value) &&
  (typeof value.waId === 'string' || typeof value.userId === 'string') &&
  isRecord(value.lastInbound) &&
  Object.values(value.lastInbound).every((at) => Number.isSafeInteger(at)) &&
  isRecord(value.conversations) &&
  Object.values(value.conversations).every(
    (c) => isRecord(c) && typeof c.id === 'string' && Number.isSafeInteger(c.expiresAt),
  );

/** What the file holds, as JSON text. */
export const serializeUsers = (users: Users): string => {
  const state: StoredState = {
    version: 1,
    users: users.all().map((user) => ({
      ...(user.waId === undefined ? {} : { waId: user.waId }),
      ...(user.userId === undefined ? {} : { userId: user.userId }),
      lastInbound: Object.fromEntries(user.lastInbound),
      conversations: Object.fromEntries(user.conversations),
    })),
  };
  return `${JSON.stringify(state, null, 1)}\n`;
};

/** Puts the file's users into `users`; throws, naming the file, when it is not a state file. */
export const restoreUsers = (users: Users, text: string, file: string): number => {
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    state = undefined;
  }
  if (!isRecord(state) || state.version !== 1 || !Array.isArray(state.users) || !state.users.every(isStoredUser)) {
    throw new Error(`${file} is not a sandbox state file: delete it to start the sandbox with no users`);
  }
  for (const stored of state.users) {
    const user = users.find({
      ...(stored.waId === undefined ? {} : { waId: stored.waId }),
      ...(stored.userId === undefined ? {} : { userId: stored.userId }),
    });
    for (const [number, at] of Object.entries(stored.lastInbound)) user.lastInbound.set(number, at);
    for (const [key, conversation] of Object.entries(stored.conversations)) user.conversations.set(key, conversation);
  }
  return state.users.length;
};

export interface SandboxStateFile {
  file: string;
  /** the users the file holds (none when it does not exist yet); how many */
  load(users: Users): number;
  /** writes the users (to a temporary name, then renamed: never half a file) */
  save(users: Users): void;
}

export const sandboxStateFile = (file: string): SandboxStateFile => ({
  file,
  load: (users) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    return restoreUsers(users, text, file);
  },
  save: (users) => {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, serializeUsers(users));
    renameSync(temporary, file);
  },
});
