import { shippedRateCard, type RateCard } from '#pricing/rate-card';
import { MetaModel } from './model';
import { publishedPricing, rateCardPricing } from './rate-card-pricing';

/** The sandbox's `pricing` follows the rate card version in force on the message's day. */

const US = { waId: '15551234567' };
const at = (iso: string) => Date.parse(iso) / 1000;
const card = shippedRateCard();

describe("the sandbox's pricing under the shipped rate card", () => {
  const pricing = rateCardPricing(card);

  it('bills an in-window service reply from 2026-10-01 on, the second on both sides of the change', () => {
    expect(pricing(undefined, true, at('2026-09-30T23:59:59Z'), US)).toEqual({
      billable: false,
      pricing_model: 'PMP',
      type: 'free_customer_service',
      category: 'service',
    });
    expect(pricing(undefined, true, at('2026-10-01T00:00:00Z'), US)).toEqual({
      billable: true,
      pricing_model: 'PMP',
      type: 'free_customer_service',
      category: 'service',
    });
  });

  it('bills a utility template inside the window from 2026-10-01 on, and always one outside it', () => {
    expect(pricing('utility', true, at('2026-09-30T23:59:59Z'), US).billable).toBe(false);
    expect(pricing('utility', true, at('2026-10-01T00:00:00Z'), US).billable).toBe(true);
    expect(pricing('utility', false, at('2026-09-30T23:59:59Z'), US)).toMatchObject({
      billable: true,
      type: 'regular',
    });
  });

  it('follows a card of its own: a version that frees service messages again makes them free', () => {
    const last = card.versions.at(-1);
    if (!last) throw new Error('the shipped card has no versions');
    const own: RateCard = {
      versions: [
        ...card.versions,
        {
          ...last,
          effectiveFrom: '2027-01-01',
          free: { ...last.free, pricingTypes: [...last.free.pricingTypes, 'free_customer_service'] },
        },
      ],
    };
    expect(rateCardPricing(own)(undefined, true, at('2027-01-01T00:00:00Z'), US).billable).toBe(false);
    expect(rateCardPricing(own)(undefined, true, at('2026-12-31T23:59:59Z'), US).billable).toBe(true);
  });

  it("uses Meta's published rule before the card's first version", () => {
    const early = at('2021-12-31T23:59:59Z');
    expect(pricing(undefined, true, early, US)).toEqual(publishedPricing(undefined, true, early, US));
  });
});

describe('a sandbox model given the rate card', () => {
  it("puts the card's billable on the message it accepts", async () => {
    let now = at('2026-12-01T10:00:00Z');
    const meta = new MetaModel({
      clock: () => now,
      wabaId: '100000000000000',
      displayPhoneNumber: '15550000000',
      outsideWindow: 'failed-status',
      pricing: rateCardPricing(card),
      log: () => undefined,
    });
    meta.userWrites(US, '100000000000001', { type: 'text', text: 'Hello?' }, 'Ana');
    now += 60;
    const { message } = await meta.send('100000000000001', {
      messaging_product: 'whatsapp',
      to: US.waId,
      type: 'text',
      text: { body: 'hi' },
    });
    expect(message?.pricing).toEqual({
      billable: true,
      pricing_model: 'PMP',
      type: 'free_customer_service',
      category: 'service',
    });
  });
});
