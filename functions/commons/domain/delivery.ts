import { countryOf } from './country';
import { idHash } from './id-hash';
import { currentStatus, deliveredAt, type MessageState } from './message-state';
import {
  conversationExpiry,
  FREE_ENTRY_POINT,
  isFreeInsideWindow,
  joinedConversation,
  opensEntryPoint,
  type ConversationState,
} from './conversation';
import { CONVERSATION_SECONDS, ENTRY_POINT_SECONDS } from './platform';
import { utcDay, type EpochSeconds } from './time';
import { windowOpenAt, type WindowState } from './window';

/**
 * What a delivered business message does to billing: it counts as one message unit (per-message
 * pricing) and it may open a conversation (the conversation unit of conversation-based pricing).
 * The decision about the conversation is taken at the first delivery seen, from the window and the
 * conversations open at the delivery's own time, and taken again whenever a later fact changes what
 * it was taken for: the send record's template category, Meta's pricing or Meta's conversation.
 * Where Meta names the conversation, Meta's id is the conversation: whichever of its messages is
 * stored first counts it (the ledger entry, kept without TTL, says it is counted), the others join.
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

/** A conversation as a delivery counts it: its state (domain/conversation.ts) and its billing cell. */
export type ConversationRecord = ConversationState & { unit: BillingUnit };

/** Taken at the first delivery, and again when what it was taken for changes (needsDecision). */
export interface DeliveryDecision {
  /** the customer service window was open when the message was delivered */
  inWindow: boolean;
  opensConversation: boolean;
  /** the open conversation the message was delivered in, when it opened none */
  joinedConversationId?: string;
  /** the conversation category it was taken for (absent on decisions stored before it was kept) */
  category?: string;
  /** Meta's conversation id it was taken for, if any */
  metaConversationId?: string;
  /** delivered inside a free entry point (Meta's or ours from the user's referral): the message is free */
  entryPoint?: boolean;
}

/** What a decision is taken from besides the message: the contact's window and conversation items. */
export interface DecisionContext {
  window?: WindowState;
  conversations: ConversationState[];
}

export interface DecisionOptions {
  /** the conversation this message opened itself: never a conversation to join */
  own?: string;
  /** Meta conversation ids another message has counted already (its ledger entry exists) */
  countedElsewhere?: ReadonlySet<string>;
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

/**
 * Our own conversation ids, where Meta gave none: the opening message's id hashed behind this prefix
 * (Meta's ids have none). Hashed because the id is the key of a ledger entry kept past the message
 * retention, and a wamid carries the user's phone number (base64).
 */
export const OWN_CONVERSATION_PREFIX = 'conv.';

export const ownConversationId = (openerId: string): string => `${OWN_CONVERSATION_PREFIX}${idHash(openerId)}`;

/** The message that opened one of our own conversations (kept with it, not in its id); undefined for Meta's. */
export const openerOfOwnConversation = (conversation: { id: string; openedBy?: string }): string | undefined =>
  conversation.id.startsWith(OWN_CONVERSATION_PREFIX) ? conversation.openedBy : undefined;

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
 * Whether the stored decision must be taken again: none yet at a delivery, or a later fact changed
 * its inputs (the category it was taken for, Meta's conversation id). A decision taken for the same
 * inputs stands, so refolding a message never flips it.
 */
export const needsDecision = (state: MessageState, decision: DeliveryDecision | undefined): boolean => {
  if (deliveredAt(state) === undefined) return false;
  if (decision === undefined) return true;
  const meta = state.metaConversation?.id;
  if (meta !== undefined && decision.metaConversationId !== meta) return true;
  return decision.category !== undefined && decision.category !== conversationCategory(state, decision.inWindow);
};

/**
 * Opens a conversation when none that covers it is open at delivery time: a template needs no open
 * conversation of its own category; a service reply needs none of any category; nothing needs one
 * while a free entry point conversation is open. Meta's conversation id, where a status carries one,
 * decides instead: the message opens it unless another message counted it already.
 */
export const decideDelivery = (
  state: MessageState,
  context: DecisionContext,
  options: DecisionOptions = {},
): DeliveryDecision | undefined => {
  const at = deliveredAt(state);
  if (at === undefined) return undefined;
  const inWindow = windowOpenAt(context.window, at);
  const category = conversationCategory(state, inWindow);
  const meta = state.metaConversation?.id;
  const base = { inWindow, category, ...(meta !== undefined ? { metaConversationId: meta } : {}) };
  const others = context.conversations.filter((c) => c.id !== options.own);
  const metaEntryPoint = isEntryPoint(state);
  let covering = joinedConversation(category, others, at);
  // Meta says this message is in a free entry point: an open conversation of another origin does not cover it.
  if (metaEntryPoint && covering?.origin !== FREE_ENTRY_POINT) covering = undefined;
  const entryPoint =
    metaEntryPoint ||
    covering?.origin === FREE_ENTRY_POINT ||
    (meta === undefined && !covering && opensEntryPoint(context.window?.referralAt, at));
  const flags = entryPoint ? { entryPoint: true } : {};
  if (meta !== undefined) {
    if (options.countedElsewhere?.has(meta)) {
      return { ...base, opensConversation: false, joinedConversationId: meta, ...flags };
    }
    return { ...base, opensConversation: true, ...flags };
  }
  if (covering) return { ...base, opensConversation: false, joinedConversationId: covering.id, ...flags };
  return { ...base, opensConversation: true, ...flags };
};

const pricingTypeOf = (state: MessageState, category: string, decision: DeliveryDecision): string => {
  if (state.metaPricing?.type) return state.metaPricing.type;
  if (isEntryPoint(state) || decision.entryPoint) return 'free_entry_point';
  return isFreeInsideWindow(category, decision.inWindow) ? 'free_customer_service' : 'regular';
};

/**
 * When a conversation opened: Meta's own opening (its expiry less the conversation's length) where
 * Meta sent the expiry, so every message of it names the same instant whichever was stored first;
 * else the delivery that opened it.
 */
const openingOf = (state: MessageState, at: EpochSeconds, entryPoint: boolean): EpochSeconds => {
  const metaExpiry = state.metaConversation?.expiresAt;
  if (metaExpiry === undefined) return at;
  return Math.min(at, metaExpiry - (entryPoint ? ENTRY_POINT_SECONDS : CONVERSATION_SECONDS));
};

/**
 * The effects the message should have now. Meta's pricing wins where any status carried it; our
 * classification fills the gaps. One rule for unit and conversation: a message that ends failed
 * (whatever else was reported, in either order) counts no unit and opens no conversation.
 */
export const targetEffects = (state: MessageState, decision: DeliveryDecision | undefined): MessageEffects => {
  const at = deliveredAt(state);
  if (at === undefined || decision === undefined || currentStatus(state) === 'failed') return {};
  const country = countryOf(state.user);
  const day = utcDay(at);
  const effects: MessageEffects = {};
  const category = state.metaPricing?.category ?? ourCategory(state, decision.inWindow);
  const unit = {
    day,
    phoneNumberId: state.phoneNumberId,
    country,
    category,
    pricingModel: state.metaPricing?.model ?? pricingModelAt(at),
    pricingType: pricingTypeOf(state, category, decision),
  };
  effects.messageUnit = unit;
  // Only messages we sent have a classification of our own to compare with Meta's.
  if (state.metaPricing && state.kind !== 'unknown') {
    const ours = ourCategory(state, decision.inWindow);
    const oursType = pricingTypeOf({ ...state, metaPricing: undefined }, ours, decision);
    if (ours !== unit.category || oursType !== unit.pricingType) {
      effects.classificationDifference = {
        ...unit,
        category: `${unit.category}>${ours}`,
        pricingType: `${unit.pricingType}>${oursType}`,
      };
    }
  }
  if (decision.opensConversation) {
    const entryPoint = isEntryPoint(state) || decision.entryPoint === true;
    const category =
      entryPoint && !state.metaConversation?.category && !state.metaPricing?.category
        ? 'referral_conversion'
        : conversationCategory(state, decision.inWindow);
    const openedAt = openingOf(state, at, entryPoint);
    effects.conversation = {
      id: state.metaConversation?.id ?? ownConversationId(state.id),
      ...(state.metaConversation?.id === undefined ? { openedBy: state.id } : {}),
      category,
      origin: entryPoint
        ? FREE_ENTRY_POINT
        : BUSINESS_INITIATED.has(category)
          ? 'business_initiated'
          : 'user_initiated',
      openedAt,
      expiresAt: state.metaConversation?.expiresAt ?? conversationExpiry(openedAt, entryPoint),
      unit: {
        day: utcDay(openedAt),
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

/** Both absent, or both there with these fields equal. */
const sameFields = <T extends object>(a: T | undefined, b: T | undefined, fields: readonly (keyof T)[]): boolean =>
  a === b || (a !== undefined && b !== undefined && fields.every((field) => a[field] === b[field]));

export const sameUnit = (a: BillingUnit | undefined, b: BillingUnit | undefined): boolean =>
  sameFields(a, b, ['day', 'phoneNumberId', 'country', 'category', 'pricingModel', 'pricingType']);

export const sameConversation = (a: ConversationRecord | undefined, b: ConversationRecord | undefined): boolean =>
  sameFields(a, b, ['id', 'category', 'origin', 'openedAt', 'expiresAt']) && sameUnit(a?.unit, b?.unit);

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
  /** the conversation this message opened and no longer does (it failed, or a later fact made it join one) */
  withdrawn?: ConversationRecord;
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
  if (!sameConversation(applied.conversation, target.conversation)) {
    move('conversation', applied.conversation?.unit, target.conversation?.unit);
    if (target.conversation) {
      changes.conversation = {
        record: target.conversation,
        ...(applied.conversation ? { replaces: applied.conversation } : {}),
      };
    } else if (applied.conversation) {
      changes.withdrawn = applied.conversation;
    }
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
