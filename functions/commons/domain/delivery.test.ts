import {
  countedUnitsOf,
  countsFirstTime,
  decideDelivery,
  needsDecision,
  targetEffects,
  effectChanges,
  pricingModelAt,
  sameUnit,
  type BillingUnit,
  type ConversationRecord,
  type DeliveryDecision,
  type MessageEffects,
  openerOfOwnConversation,
  ownConversationId,
} from './delivery';
import { applyStatus, type MessageState } from './message-state';
import type { ConversationState } from './conversation';
import type { WindowState } from './window';
import type { MetaPricing } from '../webhook/events';
import { freeFormMessage, statusEvent, templateMessage } from '../testing/messages';

const DAY = 86_400;
const utc = (iso: string): number => Date.parse(iso) / 1000;
/** a delivery in the per-message pricing era */
const D = utc('2025-09-10T12:00:00Z');

const message = (overrides: Partial<MessageState> = {}): MessageState =>
  templateMessage({ statusAt: { sent: D - 2, delivered: D }, ...overrides });

const template = (category: string, deliveredAt = D, overrides: Partial<MessageState> = {}): MessageState =>
  message({ templateCategory: category, statusAt: { sent: deliveredAt - 2, delivered: deliveredAt }, ...overrides });

const freeForm = (deliveredAt = D, overrides: Partial<MessageState> = {}): MessageState =>
  freeFormMessage({ statusAt: { sent: deliveredAt - 2, delivered: deliveredAt }, ...overrides });

const windowFrom = (lastInboundAt: number): WindowState => ({ lastInboundAt, expiresAt: lastInboundAt + DAY });
/** a user message one hour before D: the window is open at D */
const openWindow = windowFrom(D - 3600);

const conversation = (
  id: string,
  category: string,
  openedAt = D - 600,
  expiresAt = openedAt + DAY,
): ConversationState => ({
  id,
  category,
  origin: category === 'service' ? 'user_initiated' : 'business_initiated',
  openedAt,
  expiresAt,
});

const unit = (overrides: Partial<BillingUnit> = {}): BillingUnit => ({
  day: '2025-09-10',
  phoneNumberId: 'pn-1',
  country: 'BR',
  category: 'utility',
  pricingModel: 'PMP',
  pricingType: 'regular',
  ...overrides,
});

const opens: DeliveryDecision = { inWindow: false, opensConversation: true };
/** the decision to open a conversation of `category` outside the window */
const opensOutsideWindow = (category: string): DeliveryDecision => ({ ...opens, category });
/** the decision to join the open conversation `id`, counted as `category` */
const joins = (id: string, category: string, inWindow = false): DeliveryDecision => ({
  inWindow,
  opensConversation: false,
  joinedConversationId: id,
  category,
});

/**
 * A utility template counted at delivery, then a read status whose pricing says marketing: what was applied
 * at delivery, and the state once Meta's category has arrived.
 */
const metaRecategorisesAfterCounting = () => {
  const before = template('utility');
  const decision = decideDelivery(before, { conversations: [] });
  const marketing: MetaPricing = { type: 'regular', category: 'marketing', model: 'PMP' };
  const after = applyStatus(before, statusEvent('read', D + 60, { pricing: marketing }));
  return { decision, applied: targetEffects(before, decision), after };
};

describe('pricingModelAt', () => {
  const switchAt = utc('2025-07-01T00:00:00Z');
  it('is conversation-based until the second before 2025-07-01T00:00:00Z', () => {
    expect(pricingModelAt(switchAt - 1)).toBe('CBP');
  });
  it('is per-message from 2025-07-01T00:00:00Z on', () => {
    expect(pricingModelAt(switchAt)).toBe('PMP');
    expect(pricingModelAt(switchAt + 1)).toBe('PMP');
  });
});

describe('decideDelivery', () => {
  it('decides nothing before the message is delivered', () => {
    expect(decideDelivery(message({ statusAt: { sent: D } }), { conversations: [] })).toBeUndefined();
  });

  it('opens a conversation for a template delivered with none open', () => {
    expect(decideDelivery(template('utility'), { conversations: [] })).toEqual(opensOutsideWindow('utility'));
  });

  it('joins an open conversation of the template category', () => {
    const open = [conversation('c-util', 'utility')];
    expect(decideDelivery(template('utility'), { conversations: open })).toEqual(joins('c-util', 'utility'));
  });

  it('opens a conversation for a template when only another category is open', () => {
    const open = [conversation('c-util', 'utility')];
    expect(decideDelivery(template('marketing'), { conversations: open })).toEqual(opensOutsideWindow('marketing'));
  });

  it('joins any open conversation with a free-form reply inside the window', () => {
    const open = [conversation('c-mkt', 'marketing')];
    expect(decideDelivery(freeForm(), { window: openWindow, conversations: open })).toEqual(
      joins('c-mkt', 'service', true),
    );
  });

  it('opens a service conversation for a free-form reply inside the window with none open', () => {
    const state = freeForm();
    const decision = decideDelivery(state, { window: openWindow, conversations: [] });
    expect(decision).toEqual({ inWindow: true, opensConversation: true, category: 'service' });
    const opened = targetEffects(state, decision).conversation;
    expect(opened?.category).toBe('service');
    expect(opened?.origin).toBe('user_initiated');
  });

  it('does not count a conversation that expired at the delivery second', () => {
    const expired = [conversation('c-util', 'utility', D - DAY, D)];
    expect(decideDelivery(template('utility'), { conversations: expired })).toEqual(opensOutsideWindow('utility'));
  });

  it('counts a conversation that expires one second after the delivery', () => {
    const stillOpen = [conversation('c-util', 'utility', D - DAY + 1, D + 1)];
    expect(decideDelivery(template('utility'), { conversations: stillOpen })).toEqual(joins('c-util', 'utility'));
  });

  it('is in the window 1 second before its 24 h end, not at 24 h nor 24 h + 1 s', () => {
    const window = windowFrom(D);
    const inWindowAt = (at: number) =>
      decideDelivery(template('marketing', at), { window, conversations: [] })?.inWindow;
    expect(inWindowAt(D + DAY - 1)).toBe(true);
    expect(inWindowAt(D + DAY)).toBe(false);
    expect(inWindowAt(D + DAY + 1)).toBe(false);
  });
});

describe('targetEffects', () => {
  it('counts the message in the UTC day of its delivery, at 23:59:59', () => {
    const at = utc('2025-09-10T23:59:59Z');
    expect(targetEffects(template('marketing', at), opens).messageUnit?.day).toBe('2025-09-10');
  });

  it('counts the message in the next UTC day at 00:00:00', () => {
    const at = utc('2025-09-11T00:00:00Z');
    expect(targetEffects(template('marketing', at), opens).messageUnit?.day).toBe('2025-09-11');
  });

  it('takes the country from the wa_id and the category from the template', () => {
    expect(targetEffects(template('marketing'), opens).messageUnit).toEqual(
      unit({ category: 'marketing', pricingType: 'regular' }),
    );
  });

  it('prices a service reply delivered in the window as free customer service', () => {
    expect(targetEffects(freeForm(), { inWindow: true, opensConversation: true }).messageUnit).toEqual(
      unit({ category: 'service', pricingType: 'free_customer_service' }),
    );
  });

  it('prices a utility template delivered in the window as free customer service', () => {
    expect(targetEffects(template('utility'), { inWindow: true, opensConversation: true }).messageUnit).toEqual(
      unit({ category: 'utility', pricingType: 'free_customer_service' }),
    );
  });

  it('prices a marketing template delivered in the window as regular', () => {
    expect(targetEffects(template('marketing'), { inWindow: true, opensConversation: true }).messageUnit).toEqual(
      unit({ category: 'marketing', pricingType: 'regular' }),
    );
  });

  it('prices a utility template delivered outside the window as regular', () => {
    expect(targetEffects(template('utility'), opens).messageUnit).toEqual(
      unit({ category: 'utility', pricingType: 'regular' }),
    );
  });

  it("lets Meta's pricing type, category and model override ours", () => {
    const state = template('utility', D, {
      metaPricing: { type: 'regular', category: 'marketing', model: 'CBP', fromStatus: 'sent' },
    });
    expect(targetEffects(state, { inWindow: true, opensConversation: false }).messageUnit).toEqual(
      unit({ category: 'marketing', pricingModel: 'CBP', pricingType: 'regular' }),
    );
  });

  it('counts neither unit nor conversation for a message that ends failed, delivered before or after', () => {
    for (const statusAt of [
      { sent: D - 2, delivered: D, failed: D + 1 },
      { sent: D - 2, failed: D - 1, delivered: D },
    ]) {
      expect(targetEffects(template('utility', D, { statusAt }), opens)).toEqual({});
    }
  });

  it('opens a conversation that expires 24 h after its delivery by our rule', () => {
    const opened = targetEffects(template('marketing'), opens).conversation;
    expect(opened?.openedAt).toBe(D);
    expect(opened?.expiresAt).toBe(D + DAY);
    expect(opened?.id).toBe(ownConversationId('wamid.1'));
  });

  it('names our own conversation by a hash of its opener, never the wamid itself, and keeps the opener beside it', () => {
    // a wamid is the user's phone number in base64: the ledger entry keyed by this id outlives the retention
    const wamid = 'wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA';
    const opened = targetEffects({ ...template('marketing'), id: wamid }, opens).conversation;
    expect(opened?.id).toMatch(/^conv\.[0-9a-f]{64}$/);
    expect(opened?.id).not.toContain(wamid.slice('wamid.'.length, 20));
    expect(opened?.openedBy).toBe(wamid);
    expect(openerOfOwnConversation({ id: ownConversationId(wamid), openedBy: wamid })).toBe(wamid);
    expect(openerOfOwnConversation({ id: 'meta-conv-9', openedBy: wamid })).toBeUndefined();
  });

  it("lets Meta's conversation id and expiry win, opened when Meta opened it (its expiry less 24 h)", () => {
    const state = template('marketing', D, { metaConversation: { id: 'meta-conv-9', expiresAt: D + DAY - 5 } });
    const opened = targetEffects(state, opens).conversation;
    expect(opened?.id).toBe('meta-conv-9');
    expect(opened?.expiresAt).toBe(D + DAY - 5);
    expect(opened?.openedAt).toBe(D - 5);
    // never after the delivery itself
    const late = template('marketing', D, { metaConversation: { id: 'meta-conv-9', expiresAt: D + DAY + 5 } });
    expect(targetEffects(late, opens).conversation?.openedAt).toBe(D);
  });

  it('opens a 72 h free conversation from a free entry point', () => {
    const state = freeForm(D, {
      metaPricing: { type: 'free_entry_point', category: 'service', model: 'PMP', fromStatus: 'sent' },
    });
    const decision = decideDelivery(state, { window: openWindow, conversations: [conversation('c-svc', 'service')] });
    expect(decision).toEqual({ inWindow: true, opensConversation: true, category: 'service', entryPoint: true });
    const effects = targetEffects(state, decision);
    expect(effects.conversation).toEqual<ConversationRecord>({
      id: ownConversationId('wamid.1'),
      openedBy: 'wamid.1',
      category: 'service',
      origin: 'free_entry_point',
      openedAt: D,
      expiresAt: D + 72 * 3600,
      unit: unit({ category: 'service', pricingType: 'free_entry_point' }),
    });
    expect(effects.messageUnit).toEqual(unit({ category: 'service', pricingType: 'free_entry_point' }));
  });
});

describe('decisions taken again when a later fact changes their inputs', () => {
  it('takes the decision again when the send record names another category than the one guessed', () => {
    const external = freeForm(D, { kind: 'unknown', source: 'external' });
    const guessed = decideDelivery(external, { window: openWindow, conversations: [] });
    expect(guessed).toMatchObject({ category: 'service', opensConversation: true });
    expect(needsDecision(external, guessed)).toBe(false);
    const recorded = { ...external, kind: 'template' as const, templateCategory: 'marketing' };
    expect(needsDecision(recorded, guessed)).toBe(true);
    // taken again, it does not join the conversation it opened itself
    const own = targetEffects(external, guessed).conversation;
    const again = decideDelivery(recorded, { window: openWindow, conversations: own ? [own] : [] }, { own: own?.id });
    expect(again).toMatchObject({ category: 'marketing', opensConversation: true });
  });

  it("takes it again when Meta's conversation id arrives, and joins it when another message counted it", () => {
    const state = template('marketing');
    const decision = decideDelivery(state, { conversations: [] });
    const withMeta = { ...state, metaConversation: { id: 'K', category: 'marketing' } };
    expect(needsDecision(withMeta, decision)).toBe(true);
    expect(decideDelivery(withMeta, { conversations: [] })).toMatchObject({
      opensConversation: true,
      metaConversationId: 'K',
    });
    expect(decideDelivery(withMeta, { conversations: [] }, { countedElsewhere: new Set(['K']) })).toMatchObject({
      opensConversation: false,
      joinedConversationId: 'K',
    });
    expect(needsDecision(withMeta, decideDelivery(withMeta, { conversations: [] }))).toBe(false);
  });

  it('needs no decision before a delivery', () => {
    expect(needsDecision(message({ statusAt: { sent: D } }), undefined)).toBe(false);
  });
});

describe('free entry points', () => {
  const referralAt = D - 3600;
  const window = { ...openWindow, referralAt };
  it("opens a 72 h free conversation by our rule for a reply within 24 h of the user's referral, at the second", () => {
    const at = (t: number) =>
      decideDelivery(freeForm(t), { window: { ...windowFrom(t - 10), referralAt }, conversations: [] });
    expect(at(referralAt + DAY - 1)).toMatchObject({ opensConversation: true, entryPoint: true });
    expect(at(referralAt + DAY)?.entryPoint).toBeUndefined();
    expect(at(referralAt + DAY + 1)?.entryPoint).toBeUndefined();
    const effects = targetEffects(freeForm(), decideDelivery(freeForm(), { window, conversations: [] }));
    expect(effects.conversation).toMatchObject({
      category: 'referral_conversion',
      origin: 'free_entry_point',
      openedAt: D,
      expiresAt: D + 72 * 3600,
    });
    expect(effects.messageUnit).toEqual(unit({ category: 'service', pricingType: 'free_entry_point' }));
  });
  it('joins an open free entry point conversation, whatever the category, and counts the message free', () => {
    const entry = {
      ...conversation('conv.e', 'referral_conversion', D - 600, D - 600 + 72 * 3600),
      origin: 'free_entry_point',
    };
    const decision = decideDelivery(template('marketing'), { window, conversations: [entry] });
    expect(decision).toMatchObject({ opensConversation: false, joinedConversationId: 'conv.e', entryPoint: true });
    expect(targetEffects(template('marketing'), decision).messageUnit?.pricingType).toBe('free_entry_point');
  });
});

describe('sameUnit', () => {
  it('compares cells by value', () => {
    expect(sameUnit(unit(), unit())).toBe(true);
    expect(sameUnit(unit(), unit({ pricingType: 'free_customer_service' }))).toBe(false);
    expect(sameUnit(undefined, undefined)).toBe(true);
    expect(sameUnit(unit(), undefined)).toBe(false);
  });
});

describe('effectChanges', () => {
  it('counts one message and one conversation and opens it when nothing is applied', () => {
    const target = targetEffects(template('utility'), opens);
    const plan = effectChanges({}, target);
    expect(plan.unitChanges).toEqual([
      { kind: 'message', unit: unit(), delta: 1 },
      { kind: 'conversation', unit: unit(), delta: 1 },
    ]);
    expect(plan.conversation).toEqual({ record: target.conversation });
  });

  it('changes nothing when what is applied is already the target', () => {
    const effects = targetEffects(template('utility'), opens);
    expect(effectChanges(effects, structuredClone(effects))).toEqual({ unitChanges: [] });
  });

  it("moves the count once when Meta's category arrives after counting, never doubles it", () => {
    const { decision, applied, after } = metaRecategorisesAfterCounting();
    const target = targetEffects(after, decision);
    const plan = effectChanges(applied, target);
    expect(plan.unitChanges.filter((c) => c.kind === 'message')).toEqual([
      { kind: 'message', unit: unit({ category: 'utility' }), delta: -1 },
      { kind: 'message', unit: unit({ category: 'marketing' }), delta: 1 },
    ]);
    expect(plan.unitChanges.filter((c) => c.kind === 'conversation')).toEqual([
      { kind: 'conversation', unit: unit({ category: 'utility' }), delta: -1 },
      { kind: 'conversation', unit: unit({ category: 'marketing' }), delta: 1 },
    ]);
    expect(effectChanges(target, targetEffects(after, decision))).toEqual({ unitChanges: [] });
  });

  it('takes the message unit and the conversation back once when the message turns out failed', () => {
    const applied = targetEffects(template('utility'), opens);
    const target = targetEffects(
      template('utility', D, { statusAt: { sent: D - 2, delivered: D, failed: D + 1 } }),
      opens,
    );
    expect(effectChanges(applied, target)).toEqual({
      unitChanges: [
        { kind: 'message', unit: unit(), delta: -1 },
        { kind: 'conversation', unit: unit({ category: 'utility', pricingType: 'regular' }), delta: -1 },
      ],
      withdrawn: applied.conversation,
    });
  });

  it('takes the message unit back when nothing is target any more', () => {
    const applied: MessageEffects = { messageUnit: unit() };
    expect(effectChanges(applied, {})).toEqual({ unitChanges: [{ kind: 'message', unit: unit(), delta: -1 }] });
  });

  it('replaces the stored conversation when an earlier delivery corrects its opening time', () => {
    const readFirst = template('utility', D, { statusAt: { sent: D - 10, read: D + 100 } });
    const decision = decideDelivery(readFirst, { conversations: [] });
    const applied = targetEffects(readFirst, decision);
    const corrected = applyStatus(readFirst, statusEvent('delivered', D));
    const target = targetEffects(corrected, decision);
    expect(target.conversation?.openedAt).toBe(D);
    expect(effectChanges(applied, target)).toEqual({
      unitChanges: [],
      conversation: { record: target.conversation, replaces: applied.conversation },
    });
  });
});

describe('countsFirstTime', () => {
  it('is true for the commit that first counts a message (and the conversation it opens)', () => {
    const target = targetEffects(template('utility'), opens);
    expect(countsFirstTime(effectChanges({}, target))).toBe(true);
    expect(countedUnitsOf(target)).toEqual(['message', 'conversation']);
    expect(countsFirstTime(effectChanges({}, { messageUnit: unit() }))).toBe(true);
    expect(countedUnitsOf({ messageUnit: unit() })).toEqual(['message']);
  });

  it("is false for a move of counted units (Meta's category), a unit taken back, and no change", () => {
    const { decision, applied, after } = metaRecategorisesAfterCounting();
    expect(countsFirstTime(effectChanges(applied, targetEffects(after, decision)))).toBe(false);
    expect(countsFirstTime(effectChanges({ messageUnit: unit() }, {}))).toBe(false);
    expect(countsFirstTime(effectChanges(applied, applied))).toBe(false);
    expect(countedUnitsOf({})).toEqual([]);
  });
});
