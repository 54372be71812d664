import { countryOf } from './country';
import { currentStatus, deliveredAt, type MessageState } from './message-state';
import { conversationExpiry, isFreeInsideWindow, joinedConversation, type ConversationState } from './conversation';
import { utcDay, type EpochSeconds } from './time';
import { windowOpenAt, type WindowState } from './window';

/**
 * What a delivered business message does to billing: it counts as one message unit (per-message
 * pricing) and it may open a conversation (the conversation unit of conversation-based pricing).
 * The decision about the conversation is taken once, at the first delivery seen, from the window
 * and the conversations open at the delivery's own time.
 */

/** Meta switched from conversation-based to per-message pricing on this day. */
export const PER_MESSAGE_PRICING_FROM = Date.UTC(2025, 6, 1) / 1000;
export type PricingModel = 'CBP' | 'PMP';
export const pricingModelAt = (at: EpochSeconds): PricingModel => (at < PER_MESSAGE_PRICING_FROM ? 'CBP' : 'PMP');

/** One cell of the daily aggregates. */
export interface BillingUnit {
  /** UTC day, YYYY-MM-DD */
  day: string;
  phoneNumberId: string;
  country: string;
  category: string;
  pricingModel: string;
  pricingType: string;
}

export interface ConversationRecord {
  id: string;
  category: string;
  origin: string;
  openedAt: EpochSeconds;
  expiresAt: EpochSeconds;
  unit: BillingUnit;
}

/** Taken once per message, at its first delivery. */
export interface DeliveryDecision {
  /** the customer service window was open when the message was delivered */
  inWindow: boolean;
  opensConversation: boolean;
  /** the open conversation the message was delivered in, when it opened none */
  joinedConversationId?: string;
}

/** What the aggregates and the conversation items should hold because of this message. */
export interface MessageEffects {
  messageUnit?: BillingUnit;
  conversation?: ConversationRecord;
  /**
   * When Meta's pricing decided the unit and our own classification says otherwise: the unit's
   * cell with category and pricingType written `<Meta's>><ours>`, counted so the report can name
   * the differences without reading messages.
   */
  classificationDifference?: BillingUnit;
}

const BUSINESS_INITIATED = new Set([
  'marketing',
  'utility',
  'authentication',
  'authentication_international',
  'marketing_lite',
]);

const isEntryPoint = (state: MessageState): boolean =>
  state.metaPricing?.type === 'free_entry_point' || state.metaConversation?.category === 'referral_conversion';

/** Our own classification when Meta's is missing: the template's category, service for a free-form reply. */
const ourCategory = (state: MessageState, inWindow: boolean): string => {
  if (state.templateCategory) return state.templateCategory;
  if (state.kind === 'free-form') return 'service';
  return inWindow ? 'service' : 'unclassified';
};

export const conversationCategory = (state: MessageState, inWindow: boolean): string =>
  state.metaConversation?.category ?? state.metaPricing?.category ?? ourCategory(state, inWindow);

/**
 * Opens a conversation when none that covers it is open at delivery time: a template needs no open
 * conversation of its own category; a service reply needs none of any category.
 */
export const decideDelivery = (
  state: MessageState,
  context: { window?: WindowState; conversations: ConversationState[] },
): DeliveryDecision | undefined => {
  const at = deliveredAt(state);
  if (at === undefined) return undefined;
  const inWindow = windowOpenAt(context.window, at);
  const category = conversationCategory(state, inWindow);
  const covering = joinedConversation(category, context.conversations, at);
  if (covering && !isEntryPoint(state))
    return { inWindow, opensConversation: false, joinedConversationId: covering.id };
  return { inWindow, opensConversation: true };
};

const pricingTypeOf = (state: MessageState, category: string, inWindow: boolean): string => {
  if (state.metaPricing?.type) return state.metaPricing.type;
  if (isEntryPoint(state)) return 'free_entry_point';
  return isFreeInsideWindow(category, inWindow) ? 'free_customer_service' : 'regular';
};

/**
 * The effects the message should have now. Meta's pricing wins where any status carried it; our
 * classification fills the gaps. A failed message counts no unit; a conversation it opened stays.
 */
export const targetEffects = (state: MessageState, decision: DeliveryDecision | undefined): MessageEffects => {
  const at = deliveredAt(state);
  if (at === undefined || decision === undefined) return {};
  const country = countryOf(state.user);
  const day = utcDay(at);
  const effects: MessageEffects = {};
  if (currentStatus(state) !== 'failed') {
    const category = state.metaPricing?.category ?? ourCategory(state, decision.inWindow);
    const unit = {
      day,
      phoneNumberId: state.phoneNumberId,
      country,
      category,
      pricingModel: state.metaPricing?.model ?? pricingModelAt(at),
      pricingType: pricingTypeOf(state, category, decision.inWindow),
    };
    effects.messageUnit = unit;
    // Only messages we sent have a classification of our own to compare with Meta's.
    if (state.metaPricing && state.kind !== 'unknown') {
      const ours = ourCategory(state, decision.inWindow);
      const oursType = pricingTypeOf({ ...state, metaPricing: undefined }, ours, decision.inWindow);
      if (ours !== unit.category || oursType !== unit.pricingType) {
        effects.classificationDifference = {
          ...unit,
          category: `${unit.category}>${ours}`,
          pricingType: `${unit.pricingType}>${oursType}`,
        };
      }
    }
  }
  if (decision.opensConversation) {
    const category = conversationCategory(state, decision.inWindow);
    const entryPoint = isEntryPoint(state);
    effects.conversation = {
      id: state.metaConversation?.id ?? `conv.${state.id}`,
      category,
      origin: entryPoint
        ? 'free_entry_point'
        : BUSINESS_INITIATED.has(category)
          ? 'business_initiated'
          : 'user_initiated',
      openedAt: at,
      expiresAt: state.metaConversation?.expiresAt ?? conversationExpiry(at, entryPoint),
      unit: {
        day,
        phoneNumberId: state.phoneNumberId,
        country,
        category,
        pricingModel: state.metaPricing?.model ?? pricingModelAt(at),
        pricingType: entryPoint ? 'free_entry_point' : 'regular',
      },
    };
  }
  return effects;
};

export const sameUnit = (a: BillingUnit | undefined, b: BillingUnit | undefined): boolean =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.day === b.day &&
    a.phoneNumberId === b.phoneNumberId &&
    a.country === b.country &&
    a.category === b.category &&
    a.pricingModel === b.pricingModel &&
    a.pricingType === b.pricingType);

export const sameConversation = (a: ConversationRecord | undefined, b: ConversationRecord | undefined): boolean =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.id === b.id &&
    a.category === b.category &&
    a.origin === b.origin &&
    a.openedAt === b.openedAt &&
    a.expiresAt === b.expiresAt &&
    sameUnit(a.unit, b.unit));

/** A change to the aggregates: one unit moves in, out, or across cells; never a double count. */
export interface UnitChange {
  kind: 'message' | 'conversation' | 'difference';
  unit: BillingUnit;
  delta: 1 | -1;
}

export interface EffectChanges {
  unitChanges: UnitChange[];
  /** the conversation to write: new (`opened`) or corrected (`replaces` the stored one) */
  conversation?: { record: ConversationRecord; replaces?: ConversationRecord };
}

/** The writes that take the table from the effects it holds (applied) to the effects it should hold (target). */
export const effectChanges = (applied: MessageEffects, target: MessageEffects): EffectChanges => {
  const unitChanges: UnitChange[] = [];
  const move = (kind: UnitChange['kind'], from: BillingUnit | undefined, to: BillingUnit | undefined) => {
    if (sameUnit(from, to)) return;
    if (from) unitChanges.push({ kind, unit: from, delta: -1 });
    if (to) unitChanges.push({ kind, unit: to, delta: 1 });
  };
  move('message', applied.messageUnit, target.messageUnit);
  move('difference', applied.classificationDifference, target.classificationDifference);
  const changes: EffectChanges = { unitChanges };
  if (!sameConversation(applied.conversation, target.conversation) && target.conversation) {
    move('conversation', applied.conversation?.unit, target.conversation.unit);
    changes.conversation = {
      record: target.conversation,
      ...(applied.conversation ? { replaces: applied.conversation } : {}),
    };
  }
  return changes;
};

/** The kinds of unit a delivery counts, as its counted-units record remembers them. */
export type CountedUnit = 'message' | 'conversation';

export const countedUnitsOf = (effects: MessageEffects): CountedUnit[] => [
  ...(effects.messageUnit ? (['message'] as const) : []),
  ...(effects.conversation ? (['conversation'] as const) : []),
];

/**
 * Whether these changes count a message or conversation unit for the first time: one of that kind
 * goes in and none goes out (Meta's pricing moving a counted unit takes one out of its old cell).
 * Only such a commit writes the counted-units record, so a move costs no write more.
 */
export const countsFirstTime = (changes: EffectChanges): boolean =>
  (['message', 'conversation'] as const).some(
    (kind) =>
      changes.unitChanges.some((change) => change.kind === kind && change.delta === 1) &&
      !changes.unitChanges.some((change) => change.kind === kind && change.delta === -1),
  );
