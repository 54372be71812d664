import { amountOf, costMicros } from '#pricing/money';
import { activeRateCard } from '#pricing/active-rate-card';
import { priceOf, versionOn } from '#pricing/rate-card';
import type { BillingQuestion, EstimatedCost } from './send-message';

/**
 * The send answer's cost preview from the shipped rate card: under per-message pricing the delivered
 * message's rate, under conversation pricing the conversation's rate if the delivery opens one.
 * An estimate: monthly free allowances and volume tiers are settled by the cost report, not here.
 */
export const estimateSendCost = (question: BillingQuestion): EstimatedCost => {
  const version = versionOn(activeRateCard(), question.day);
  const currency = version?.currency ?? 'USD';
  if (!version) return { amount: 0, currency };
  if (version.model === 'conversation' && !question.opensConversation) return { amount: 0, currency };
  const price = priceOf(version, question);
  if (price.free || price.rate === null) return { amount: 0, currency };
  return { amount: amountOf(costMicros(1, price.rate)), currency };
};
