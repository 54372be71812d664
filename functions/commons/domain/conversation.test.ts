import {
  conversationExpiry,
  isFreeInsideWindow,
  isOpenAt,
  joinedConversation,
  mayTakeSlot,
  opensConversation,
  opensEntryPoint,
  supersedes,
  type ConversationState,
} from './conversation';
import { CONVERSATION_SECONDS, ENTRY_POINT_SECONDS } from './platform';

const t = 1_760_000_000;
const conversation = (category: string, openedAt = t, id = `conv-${category}`): ConversationState => ({
  id,
  category,
  origin: category === 'service' ? 'user_initiated' : 'business_initiated',
  openedAt,
  expiresAt: conversationExpiry(openedAt),
});

describe('conversation length', () => {
  it('runs the platform conversation length from the delivery that opened it, 72 h from an entry point', () => {
    expect(conversationExpiry(t)).toBe(t + CONVERSATION_SECONDS);
    expect(conversationExpiry(t, true)).toBe(t + ENTRY_POINT_SECONDS);
  });
  it('is open from its opening second to 1 second before it expires', () => {
    const c = conversation('marketing');
    expect(isOpenAt(c, t - 1)).toBe(false);
    expect(isOpenAt(c, t)).toBe(true);
    expect(isOpenAt(c, t + CONVERSATION_SECONDS - 1)).toBe(true);
    expect(isOpenAt(c, t + CONVERSATION_SECONDS)).toBe(false);
    expect(isOpenAt(c, t + CONVERSATION_SECONDS + 1)).toBe(false);
  });
});

describe('opens or joins', () => {
  const marketing = conversation('marketing');
  it('a template joins an open conversation of its own category only', () => {
    expect(joinedConversation('marketing', [marketing], t + 10)).toBe(marketing);
    expect(opensConversation('utility', [marketing], t + 10)).toBe(true);
  });
  it('a service reply joins any open conversation', () => {
    expect(joinedConversation('service', [marketing], t + 10)).toBe(marketing);
    expect(opensConversation('service', [], t + 10)).toBe(true);
  });
  it('joins up to 1 second before the conversation expires and opens a new one from its expiry on', () => {
    const end = marketing.expiresAt;
    expect(opensConversation('marketing', [marketing], end - 1)).toBe(false);
    expect(opensConversation('marketing', [marketing], end)).toBe(true);
    expect(opensConversation('marketing', [marketing], end + 1)).toBe(true);
  });
  it('does not join a conversation opened after the delivery', () => {
    expect(opensConversation('marketing', [marketing], t - 1)).toBe(true);
  });
});

describe('the slot rule', () => {
  const held = { id: 'conv-a', expiresAt: t + 100 };
  it('gives a free slot to any conversation', () => {
    expect(mayTakeSlot(undefined, { id: 'conv-b', openedAt: t })).toBe(true);
  });
  it('gives the slot once the one there expired at or before ours opened, at the second', () => {
    expect(mayTakeSlot(held, { id: 'conv-b', openedAt: t + 99 })).toBe(false);
    expect(mayTakeSlot(held, { id: 'conv-b', openedAt: t + 100 })).toBe(true);
    expect(mayTakeSlot(held, { id: 'conv-b', openedAt: t + 101 })).toBe(true);
  });
  it('gives the slot back to the conversation it holds, and to the correction of it', () => {
    expect(mayTakeSlot(held, { id: 'conv-a', openedAt: t })).toBe(true);
    expect(mayTakeSlot(held, { id: 'conv-b', openedAt: t }, 'conv-a')).toBe(true);
    expect(mayTakeSlot(held, { id: 'conv-b', openedAt: t }, 'conv-c')).toBe(false);
  });
});

describe('free inside the window', () => {
  it('frees service replies and utility templates inside the window only', () => {
    expect(isFreeInsideWindow('service', true)).toBe(true);
    expect(isFreeInsideWindow('utility', true)).toBe(true);
    expect(isFreeInsideWindow('marketing', true)).toBe(false);
    expect(isFreeInsideWindow('service', false)).toBe(false);
    expect(isFreeInsideWindow('utility', false)).toBe(false);
  });
});

describe('free entry points', () => {
  const entry = {
    ...conversation('referral_conversion'),
    origin: 'free_entry_point',
    expiresAt: t + ENTRY_POINT_SECONDS,
  };
  it('every message joins an open entry point conversation, whatever its category, until its 72 h end', () => {
    expect(joinedConversation('marketing', [conversation('marketing'), entry], t + 10)).toBe(entry);
    expect(joinedConversation('service', [entry], t + ENTRY_POINT_SECONDS - 1)).toBe(entry);
    expect(joinedConversation('service', [entry], t + ENTRY_POINT_SECONDS)).toBeUndefined();
  });
  it("opens from the user's referral for a reply within 24 h of it, at the second", () => {
    expect(opensEntryPoint(t, t - 1)).toBe(false);
    expect(opensEntryPoint(t, t)).toBe(true);
    expect(opensEntryPoint(t, t + 24 * 3600 - 1)).toBe(true);
    expect(opensEntryPoint(t, t + 24 * 3600)).toBe(false);
    expect(opensEntryPoint(undefined, t)).toBe(false);
  });
});

describe('a conversation opened by a later delivery processed first', () => {
  const ours = conversation('marketing', t, 'ours');
  it('is superseded by ours when its opener would have joined ours, up to 1 second before ours expires', () => {
    expect(supersedes(ours, conversation('marketing', t + 1, 'later'))).toBe(true);
    expect(supersedes(ours, conversation('marketing', ours.expiresAt - 1, 'later'))).toBe(true);
    expect(supersedes(ours, conversation('marketing', ours.expiresAt, 'later'))).toBe(false);
    expect(supersedes(ours, conversation('service', t + 1, 'reply'))).toBe(true);
  });
  it('is not superseded when it opened first, is ours, or is of a category ours does not cover', () => {
    expect(supersedes(ours, conversation('marketing', t, 'same-second'))).toBe(false);
    expect(supersedes(ours, conversation('marketing', t - 1, 'earlier'))).toBe(false);
    expect(supersedes(ours, ours)).toBe(false);
    expect(supersedes(ours, conversation('utility', t + 1, 'other'))).toBe(false);
  });
});
