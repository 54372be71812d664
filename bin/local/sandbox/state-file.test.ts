import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WINDOW_SECONDS } from '#domain/platform';
import { MetaModel } from './model';
import { sandboxStateFile } from './state-file';
import { Users, windowOpen } from './users';

/** A restarted sandbox on a kept folder still knows who wrote when, so it applies the 24-hour rule. */

const NUMBER = '100000000000001';
const T0 = Date.parse('2026-12-01T10:00:00Z') / 1000;
let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const model = (now: () => number, file: string) => {
  const state = sandboxStateFile(file);
  const meta: MetaModel = new MetaModel({
    clock: now,
    wabaId: '100000000000000',
    displayPhoneNumber: '15550000000',
    outsideWindow: 'failed-status',
    onUsersChanged: () => state.save(meta.state.users),
    log: () => undefined,
  });
  state.load(meta.state.users);
  return meta;
};

describe("the sandbox's state file", () => {
  it('keeps a window across a restart, to the second on both sides of its end', async () => {
    const file = join(folder, 'sandbox-state.json');
    let now = T0;
    const first = model(() => now, file);
    first.userWrites(
      { waId: '15551234567', userId: 'US.1349120865530274' },
      NUMBER,
      { type: 'text', text: 'hi' },
      'Ana',
    );

    const restarted = model(() => now, file);
    const user = restarted.state.users.find({ userId: 'US.1349120865530274' });
    expect(user.waId).toBe('15551234567');
    expect(windowOpen(user, NUMBER, T0 + WINDOW_SECONDS - 1)).toBe(true);
    expect(windowOpen(user, NUMBER, T0 + WINDOW_SECONDS)).toBe(false);

    now = T0 + 60;
    const { message } = await restarted.send(NUMBER, {
      messaging_product: 'whatsapp',
      to: '15551234567',
      type: 'text',
      text: { body: 'a reply after the restart' },
    });
    expect(message).toMatchObject({ insideWindow: true, outcome: 'accepted' });
    // the conversation it opened is kept too: the same id after another restart
    const again = model(() => now, file);
    expect(again.state.users.find({ waId: '15551234567' }).conversations.get(`${NUMBER}|service`)).toEqual(
      message?.conversation && { id: message.conversation.id, expiresAt: message.conversation.expiresAt },
    );
  });

  it('starts with no users when the file does not exist yet, and writes it on the first change', () => {
    const file = join(folder, 'sandbox-state.json');
    const meta = model(() => T0, file);
    expect(meta.state.users.all()).toEqual([]);
    meta.userWrites({ waId: '15551234567' }, NUMBER, { type: 'text', text: 'hi' }, 'Ana');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      version: 1,
      users: [{ waId: '15551234567', lastInbound: { [NUMBER]: T0 }, conversations: {} }],
    });
  });

  it('refuses a file that is not a state file, naming it and what to do', () => {
    const file = join(folder, 'sandbox-state.json');
    writeFileSync(file, '{"version":1,"users":[{"lastInbound":{}}]}');
    expect(() => sandboxStateFile(file).load(new Users())).toThrow(
      `${file} is not a sandbox state file: delete it to start the sandbox with no users`,
    );
  });
});
