import { activeRateCard, bundledRateCard, rateCardDefine } from './active-rate-card';
import { shippedRateCard } from './rate-card';

// A file of its own: activeRateCard keeps the first card it accepts for the life of the module.
describe('the rate card compiled into a Lambda bundle', () => {
  afterEach(() => {
    delete process.env.ENGINE_RATE_CARD;
  });

  it('is the checked card as JSON text, without the texts no function shows', () => {
    const [text] = Object.values(rateCardDefine(shippedRateCard()));
    const card = JSON.parse(JSON.parse(text ?? '') as string) as ReturnType<typeof shippedRateCard>;
    expect(card).toEqual(bundledRateCard(shippedRateCard()));
    expect(card).not.toHaveProperty('description');
    expect(card.versions.map((version) => version.source)).toEqual(card.versions.map(() => undefined));
    // everything a function reads is kept: the versions' days, rates, markets, notes
    const { versions } = shippedRateCard();
    expect(card.versions).toEqual(versions.map(({ source: _source, ...version }) => version));
    expect(card.versions.some((version) => version.note)).toBe(true);
  });

  it('is what activeRateCard returns where the bundle defines it, unchecked again', () => {
    const define = rateCardDefine({ versions: [{ ...shippedRateCard().versions[0]!, currency: 'EUR' }] });
    process.env.ENGINE_RATE_CARD = JSON.parse(Object.values(define)[0] ?? '') as string;
    process.env.RATE_CARD_FILE = '/nonexistent/rate-card.json';
    try {
      expect(activeRateCard().versions.map((version) => version.currency)).toEqual(['EUR']);
    } finally {
      delete process.env.RATE_CARD_FILE;
    }
  });
});
