/**
 * The `pricing` object the sandbox puts on its statuses, billed as the rate card version in force on
 * the message's day says, so a local run tells one story: the sandbox (our picture of Meta), the send
 * answer's estimate and the cost report all follow the same card. Meta's classification of the
 * situation (`type`, `category`: messages.ts) stays Meta's; only `billable` comes from the card. Under
 * the shipped 2026-10-01 version, for instance, a service reply inside the window is
 * `free_customer_service` and billable, as that version charges it.
 */
import { countryOf } from '#domain/country';
import type { UserIds } from '#domain/identity';
import type { EpochSeconds } from '#domain/time';
import { priceOf, versionAt, type RateCard } from '#pricing/rate-card';
import { pricingOf, type SandboxPricing } from './messages';

/** A message's pricing from its template category (none: free-form), the window, its time and recipient. */
export type SandboxPricingRule = (
  templateCategory: string | undefined,
  insideWindow: boolean,
  at: EpochSeconds,
  recipient: UserIds,
) => SandboxPricing;

/** Meta's published rule alone (messages.ts): free-form and utility inside the window are free. */
export const publishedPricing: SandboxPricingRule = (templateCategory, insideWindow) =>
  pricingOf(templateCategory, insideWindow);

/** Billable unless the version in force that day frees the pricing type or the category; before the card: Meta's rule. */
export const rateCardPricing =
  (card: RateCard): SandboxPricingRule =>
  (templateCategory, insideWindow, at, recipient) => {
    const pricing = pricingOf(templateCategory, insideWindow);
    const version = versionAt(card, at);
    if (version === undefined) return pricing;
    const price = priceOf(version, {
      country: countryOf(recipient),
      category: pricing.category,
      pricingType: pricing.type,
    });
    return { ...pricing, billable: !price.free };
  };
