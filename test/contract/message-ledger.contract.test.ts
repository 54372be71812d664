import { createHash } from 'node:crypto';
import { effectChanges, ownConversationId } from '#domain/delivery';
import { countedUnitsExpiry } from '#domain/retention';
import { DAY, utcDay } from '#domain/time';
import { contactPk, keys } from '#store/keys';
import { NotABusinessMessageError } from '#store/message-ledger';
import type { InboundMessageEvent } from '#webhook/events';
import { adapters } from '../support/adapters.ts';
import { uniquePhoneNumberId, uniqueWaId } from '../support/environment.ts';
import { conversationCommit, conversationRecord, deliveredState } from './fixtures.ts';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

const T = 1_760_000_000;

const inbound = (id: string, phoneNumberId: string, waId: string, raw: unknown = { text: 'hi' }) =>
  ({
    kind: 'inbound-message',
    id,
    type: 'text',
    timestamp: T,
    origin: { phoneNumberId },
    user: { waId },
    raw,
  }) as unknown as InboundMessageEvent;

describe.each(adapters)('MessageLedger %s', (_, adapter) => {
  const { stores, item } = adapter();
  const { contacts, messages, reports } = stores;
  const newContact = async () => {
    const phoneNumberId = uniquePhoneNumberId();
    return contacts.resolveContact(phoneNumberId, { waId: uniqueWaId() });
  };

  it('records a user message once per id, and refuses to fold a status into it', async () => {
    const contact = await newContact();
    const id = `wamid.in.${contact.phoneNumberId}`;
    const message = inbound(id, contact.phoneNumberId, contact.contactId);
    expect(await messages.recordInbound(contact, message, T + 100)).toBe('recorded');
    expect(await messages.recordInbound(contact, message, T + 100)).toBe('duplicate');
    expect(await item(keys.message(id))).toEqual({
      ...keys.message(id),
      direction: 'inbound',
      phoneNumberId: contact.phoneNumberId,
      contactId: contact.contactId,
      type: 'text',
      timestamp: T,
      raw: '{"text":"hi"}',
      expiresAt: T + 100,
      // the history index: the contact's partition, then Meta's second, the millisecond received, the wamid
      historyPk: contactPk(contact.phoneNumberId, contact.contactId),
      historySk: expect.stringMatching(new RegExp(`^00${T}#\\d{13}#${id.replace(/\./g, '\\.')}$`)),
    });
    await expect(messages.readMessage(id)).rejects.toThrow(NotABusinessMessageError);
    expect(await messages.readMessage(`${id}.unknown`)).toBeUndefined();
  });

  it('records inbound media as pending, which is what the media worker takes from the stream', async () => {
    const contact = await newContact();
    const id = `wamid.img.${contact.phoneNumberId}`;
    const message = {
      ...inbound(id, contact.phoneNumberId, contact.contactId, {
        image: { id: '942920057567777', mime_type: 'image/jpeg', sha256: 'abc=' },
      }),
      type: 'image',
    } as InboundMessageEvent;
    expect(await messages.recordInbound(contact, message, T + 100)).toBe('recorded');
    expect((await item(keys.message(id)))?.media).toMatchObject({
      id: '942920057567777',
      mimeType: 'image/jpeg',
      state: 'pending',
    });
  });

  it('keeps a raw copy of 3-byte characters within the item limit in bytes', async () => {
    const contact = await newContact();
    const id = `wamid.big.${contact.phoneNumberId}`;
    const message = inbound(id, contact.phoneNumberId, contact.contactId, { text: '€'.repeat(200_000) });
    expect(await messages.recordInbound(contact, message, T + 100)).toBe('recorded');
    const stored = await item(keys.message(id));
    expect(Buffer.byteLength(String(stored?.raw), 'utf8')).toBeLessThanOrEqual(300_000);
  });

  it("reads back from the history the window's facts and the deliveries of a range, in one read", async () => {
    const contact = await newContact();
    const pn = contact.phoneNumberId;
    const at = (id: string, timestamp: number, raw?: unknown) => ({
      ...inbound(id, pn, contact.contactId, raw),
      timestamp,
    });
    await messages.recordInbound(contact, at(`wamid.h1.${pn}`, T - 100), T + DAY);
    // From an ad: Meta's referral object rides in the raw copy the index keeps
    await messages.recordInbound(
      contact,
      at(`wamid.h2.${pn}`, T - 50, { text: 'hi', referral: { source_id: '1' } }),
      T + DAY,
    );
    await messages.recordInbound(contact, at(`wamid.h3.${pn}`, T + 1), T + DAY);
    // A free-form send Meta refused with 131047 at T - 10, and a message refused for another reason
    const failed = (id: string, code: number, failedAt: number) => ({
      message: {
        state: {
          ...deliveredState(contact, id, failedAt),
          statusAt: { sent: failedAt - 1, failed: failedAt },
          errorCodes: [code],
        },
        appliedEffects: {},
        version: 1,
      },
      changes: { unitChanges: [] },
      writeConversationItem: false,
      retainUntil: T + DAY,
    });
    await messages.commitMessage(failed(`wamid.h4.${pn}`, 131047, T - 10));
    await messages.commitMessage(failed(`wamid.h5.${pn}`, 131026, T - 5));
    await messages.commitMessage(conversationCommit(contact, `wamid.h6.${pn}`, T - 20));
    const window = { from: T - 100, to: T };
    expect(await messages.readHistory(contact, { window })).toEqual({
      windowFacts: [
        { kind: 'inbound', at: T - 100 },
        { kind: 'inbound', at: T - 50 },
        { kind: 'referral', at: T - 50 },
        { kind: 'refused', at: T - 10 },
      ],
      deliveries: [],
    });
    const both = await messages.readHistory(contact, { window, deliveries: { from: T - 20, to: T } });
    expect(both.windowFacts).toHaveLength(4);
    expect(both.deliveries).toEqual([
      expect.objectContaining({ wamid: `wamid.h6.${pn}`, decision: { inWindow: false, opensConversation: true } }),
    ]);
    // the bounds, at the second: a window read from T - 99 leaves the first message out
    expect((await messages.readHistory(contact, { window: { from: T - 99, to: T + 1 } })).windowFacts).toEqual([
      { kind: 'inbound', at: T - 50 },
      { kind: 'referral', at: T - 50 },
      { kind: 'refused', at: T - 10 },
      { kind: 'inbound', at: T + 1 },
    ]);
  });

  it('writes a business message only on the version it read', async () => {
    const contact = await newContact();
    const id = `wamid.v.${contact.phoneNumberId}`;
    const state = { ...deliveredState(contact, id, T), statusAt: { sent: T } };
    const first = { message: { state, appliedEffects: {}, version: 1 }, changes: { unitChanges: [] } };
    const commit = { ...first, writeConversationItem: true, retainUntil: T + 100 };
    expect(await messages.commitMessage(commit)).toBe('committed');
    expect(await messages.commitMessage(commit)).toBe('message-changed');
    expect(await messages.readMessage(id)).toEqual({ state, appliedEffects: {}, version: 1 });
    const next = { ...commit, previousVersion: 1, message: { ...commit.message, version: 2 } };
    expect(await messages.commitMessage({ ...next, previousVersion: 0 })).toBe('message-changed');
    expect(await messages.commitMessage(next)).toBe('committed');
    expect((await messages.readMessage(id))?.version).toBe(2);
    expect(await item(keys.message(id))).toMatchObject({ direction: 'outbound', status: 'sent', held: {}, version: 2 });
  });

  it('opens a conversation with its ledger entry and units, all in one commit', async () => {
    const contact = await newContact();
    const id = `wamid.open.${contact.phoneNumberId}`;
    expect(await messages.commitMessage(conversationCommit(contact, id, T))).toBe('committed');
    // Kept past the message retention (no TTL): the counting facts, the user's ids only hashed.
    const entry = await item(keys.conversationLedger(ownConversationId(id)));
    expect(entry).toEqual({
      ...keys.conversationLedger(ownConversationId(id)),
      conversationId: ownConversationId(id),
      phoneNumberId: contact.phoneNumberId,
      contactHash: sha256(contact.contactId),
      openedByHash: sha256(id),
      category: 'marketing',
      origin: 'business_initiated',
      openedAt: T,
      closesAt: T + 86_400,
      day: utcDay(T),
      country: 'US',
      pricingModel: 'PMP',
      pricingType: 'regular',
    });
    expect(JSON.stringify(entry)).not.toContain(`"${contact.contactId}"`);
    const cells = (await reports.readCells(utcDay(T), utcDay(T))).filter(
      (cell) => cell.phoneNumberId === contact.phoneNumberId,
    );
    expect(cells.map((cell) => [cell.kind, cell.units]).sort()).toEqual([
      ['conversation', 1],
      ['message', 1],
    ]);
  });

  it("counts a template's delivered message by template too, and moves it with its message unit", async () => {
    const contact = await newContact();
    const id = `wamid.tpl.${contact.phoneNumberId}`;
    const commit = conversationCommit(contact, id, T);
    const state = { ...commit.message.state, templateName: 'order_ready' };
    expect(await messages.commitMessage({ ...commit, message: { ...commit.message, state } })).toBe('committed');
    const mine = async () =>
      ((await reports.readTemplateCells?.(utcDay(T), utcDay(T))) ?? [])
        .filter((cell) => cell.phoneNumberId === contact.phoneNumberId && cell.units !== 0)
        .map((cell) => [cell.template, cell.category, cell.pricingType, cell.units]);
    expect(await mine()).toEqual([['order_ready', 'marketing', 'regular', 1]]);
    // Meta's pricing says utility: the message unit moves, and its template cell with it
    const applied = commit.message.appliedEffects;
    if (!applied.messageUnit) throw new Error('the commit counts a message unit');
    const moved = { ...applied, messageUnit: { ...applied.messageUnit, category: 'utility' } };
    const next = {
      ...commit,
      previousVersion: 1,
      message: { ...commit.message, state, appliedEffects: moved, version: 2 },
      changes: effectChanges(applied, { ...applied, messageUnit: moved.messageUnit }),
    };
    expect(await messages.commitMessage(next)).toBe('committed');
    expect(await mine()).toEqual([['order_ready', 'utility', 'regular', 1]]);
    // the billing cells are read as before: no template cell among them
    const cells = (await reports.readCells(utcDay(T), utcDay(T))).filter(
      (cell) => cell.phoneNumberId === contact.phoneNumberId && cell.units !== 0,
    );
    expect(cells.map((cell) => [cell.kind, cell.category]).sort()).toEqual([
      ['conversation', 'marketing'],
      ['message', 'utility'],
    ]);
  });

  it('lets a new conversation take the slot from the second the old one expired, never before', async () => {
    const contact = await newContact();
    const first = `wamid.a.${contact.phoneNumberId}`;
    expect(await messages.commitMessage(conversationCommit(contact, first, T))).toBe('committed');
    const end = T + 86_400;
    const early = conversationCommit(contact, `wamid.b.${contact.phoneNumberId}`, end - 1);
    expect(await messages.commitMessage(early)).toBe('conversation-taken');
    // All or nothing: the refused commit left no message, no ledger entry and no units behind.
    expect(await messages.readMessage(`wamid.b.${contact.phoneNumberId}`)).toBeUndefined();
    expect(await item(keys.conversationLedger(ownConversationId(`wamid.b.${contact.phoneNumberId}`)))).toBeUndefined();
    const units = await reports.readCells(utcDay(end - 1), utcDay(end - 1));
    expect(units.filter((c) => c.phoneNumberId === contact.phoneNumberId)).toEqual([]);
    const onTime = conversationCommit(contact, `wamid.c.${contact.phoneNumberId}`, end);
    expect(await messages.commitMessage(onTime)).toBe('committed');
    expect((await contacts.readContactState(contact.phoneNumberId, contact.contactId)).conversations).toEqual([
      expect.objectContaining({ id: ownConversationId(`wamid.c.${contact.phoneNumberId}`), openedAt: end }),
    ]);
  });

  it("counts Meta's conversation once: a second opener is told it is counted, and nothing of it is written", async () => {
    const contact = await newContact();
    const metaId = `meta-conv.${contact.phoneNumberId}`;
    const first = `wamid.m1.${contact.phoneNumberId}`;
    const second = `wamid.m2.${contact.phoneNumberId}`;
    expect(await messages.commitMessage(conversationCommit(contact, first, T, { conversationId: metaId }))).toBe(
      'committed',
    );
    expect(await messages.commitMessage(conversationCommit(contact, second, T + 5, { conversationId: metaId }))).toBe(
      'conversation-counted',
    );
    expect(await messages.readMessage(second)).toBeUndefined();
    expect(await item(keys.conversationLedger(metaId))).toMatchObject({ openedByHash: sha256(first) });
    // the opener itself may write it again (a retry, a correction)
    const retry = conversationCommit(contact, first, T, { conversationId: metaId, previousVersion: 1 });
    expect(await messages.commitMessage(retry)).toBe('committed');
  });

  it('withdraws a conversation: its ledger entry, its slot and its unit go, all in one commit', async () => {
    const contact = await newContact();
    const id = `wamid.w.${contact.phoneNumberId}`;
    const opened = conversationCommit(contact, id, T);
    expect(await messages.commitMessage(opened)).toBe('committed');
    const record = opened.message.appliedEffects.conversation;
    if (!record) throw new Error('no conversation');
    const withdraw = {
      previousVersion: 1,
      message: { ...opened.message, appliedEffects: { messageUnit: record.unit }, version: 2 },
      changes: effectChanges(opened.message.appliedEffects, { messageUnit: record.unit }),
      writeConversationItem: true,
      withdrawSlot: true,
      retainUntil: opened.retainUntil,
    };
    expect(withdraw.changes.withdrawn).toEqual(record);
    expect(await messages.commitMessage(withdraw)).toBe('committed');
    expect(await item(keys.conversationLedger(ownConversationId(id)))).toBeUndefined();
    expect((await contacts.readContactState(contact.phoneNumberId, contact.contactId)).conversations).toEqual([]);
    const cells = (await reports.readCells(utcDay(T), utcDay(T))).filter(
      (cell) => cell.phoneNumberId === contact.phoneNumberId && cell.units !== 0,
    );
    expect(cells.map((cell) => [cell.kind, cell.units])).toEqual([['message', 1]]);
  });

  it('keeps a conversation that lost its slot as history: ledger entry and units, no slot', async () => {
    const contact = await newContact();
    expect(await messages.commitMessage(conversationCommit(contact, `wamid.n.${contact.phoneNumberId}`, T))).toBe(
      'committed',
    );
    const late = conversationCommit(contact, `wamid.o.${contact.phoneNumberId}`, T - 10, {
      writeConversationItem: false,
    });
    expect(await messages.commitMessage(late)).toBe('committed');
    expect(await item(keys.conversationLedger(ownConversationId(`wamid.o.${contact.phoneNumberId}`)))).toBeDefined();
    expect((await contacts.readContactState(contact.phoneNumberId, contact.contactId)).conversations).toEqual([
      expect.objectContaining({ id: ownConversationId(`wamid.n.${contact.phoneNumberId}`) }),
    ]);
  });

  it('remembers what a first delivery counted, under the hashed wamid, past the message record', async () => {
    const contact = await newContact();
    const id = `wamid.count.${contact.phoneNumberId}`;
    const commit = conversationCommit(contact, id, T);
    expect(await messages.commitMessage(commit)).toBe('committed');
    const expiresAt = countedUnitsExpiry(commit.retainUntil);
    expect(await item(keys.countedUnits(id))).toEqual({
      ...keys.countedUnits(id),
      counted: ['message', 'conversation'],
      expiresAt,
    });
    expect(keys.countedUnits(id).pk).toBe(`COUNTED#${sha256(id)}`);
    expect(await messages.readCountedUnits(id, expiresAt - 1)).toEqual(['message', 'conversation']);
    expect(await messages.readCountedUnits(id, expiresAt)).toBeUndefined();
    expect(await messages.readCountedUnits(`${id}.never`, T)).toBeUndefined();
  });

  it('writes no counted-units record when Meta moves a counted unit to its own cell', async () => {
    const contact = await newContact();
    const id = `wamid.move.${contact.phoneNumberId}`;
    const first = conversationCommit(contact, id, T);
    expect(await messages.commitMessage(first)).toBe('committed');
    const counted = await item(keys.countedUnits(id));
    const applied = first.message.appliedEffects;
    const moved = {
      ...applied,
      messageUnit: { ...conversationRecord(contact, ownConversationId(id), T).unit, category: 'utility' },
    };
    const move = {
      ...first,
      previousVersion: 1,
      message: { ...first.message, appliedEffects: moved, version: 2 },
      changes: effectChanges(applied, moved),
      retainUntil: first.retainUntil + DAY,
    };
    expect(await messages.commitMessage(move)).toBe('committed');
    // the record of the first count, not rewritten (its expiry did not move with the message's)
    expect(await item(keys.countedUnits(id))).toEqual(counted);
  });

  it('treats a record expired at the clock as absent, and lets a first write replace it', async () => {
    const contact = await newContact();
    const id = `wamid.exp.${contact.phoneNumberId}`;
    const state = { ...deliveredState(contact, id, T), statusAt: { sent: T } };
    const commit = {
      message: { state, appliedEffects: {}, version: 1 },
      changes: { unitChanges: [] },
      writeConversationItem: true,
      retainUntil: T + 100,
    };
    expect(await messages.commitMessage(commit)).toBe('committed');
    expect((await messages.readMessage(id, T + 99))?.version).toBe(1);
    expect(await messages.readMessage(id, T + 100)).toBeUndefined();
    // Not deleted yet: a first write replaces it only once it has expired at the writer's clock.
    expect(await messages.commitMessage({ ...commit, now: T + 99 })).toBe('message-changed');
    expect(await messages.commitMessage({ ...commit, now: T + 100, retainUntil: T + 500 })).toBe('committed');
    expect(await item(keys.message(id))).toMatchObject({ version: 1, expiresAt: T + 500 });
  });
});
