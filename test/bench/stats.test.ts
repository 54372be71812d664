import { cpuShare, median, percentile, projectedMs, roundRatios, spreadVerdict } from '../../bench/stats.ts';

describe('the bench’s arithmetic', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(median([3, 1, 2])).toBe(2);
    expect(() => percentile([], 50)).toThrow();
  });

  it('gives Lambda one vCPU at 1,769 MB, proportionally less below, never more than one', () => {
    expect(cpuShare(1769)).toBe(1);
    expect(cpuShare(512)).toBeCloseTo(0.2894, 4);
    expect(cpuShare(3008)).toBe(1);
  });

  it('stretches CPU time by the share and leaves waiting as it is', () => {
    expect(projectedMs({ wallMs: 100, cpuMs: 0 }, 512)).toBe(100);
    expect(projectedMs({ wallMs: 100, cpuMs: 40 }, 1769)).toBe(100);
    expect(projectedMs({ wallMs: 100, cpuMs: 40 }, 512)).toBeCloseTo(100 + 40 * (1769 / 512 - 1), 6);
  });

  it('reports the median of per-round ratios with their spread', () => {
    expect(
      roundRatios([
        { a: 10, b: 8 },
        { a: 10, b: 12 },
        { a: 10, b: 9 },
      ]),
    ).toEqual({ median: 0.9, min: 0.8, max: 1.2, rounds: 3 });
  });

  it('says holds or fails only when the whole spread is on one side of the budget', () => {
    expect(spreadVerdict({ min: 1.1, max: 1.3 }, 1.3, 'at most')).toBe('holds');
    expect(spreadVerdict({ min: 1.1, max: 1.31 }, 1.3, 'at most')).toBe('within noise');
    expect(spreadVerdict({ min: 1.31, max: 1.5 }, 1.3, 'at most')).toBe('fails');
    expect(spreadVerdict({ min: 0.7, max: 0.8 }, 0.7, 'at least')).toBe('holds');
    expect(spreadVerdict({ min: 0.69, max: 0.8 }, 0.7, 'at least')).toBe('within noise');
    expect(spreadVerdict({ min: 0.6, max: 0.69 }, 0.7, 'at least')).toBe('fails');
  });
});

describe('the price list', () => {
  it('is dated, names its sources, and prices Lambda by requests and GB-seconds', async () => {
    const { PRICES, lambdaCostPerMillion } = await import('../../bench/prices.ts');
    expect(PRICES.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const part of [PRICES.dynamodb, PRICES.lambda, PRICES.apiGateway, PRICES.eventBridge, PRICES.s3]) {
      expect(part.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
    }
    // 1 GB for 1 s, a million times: the requests plus a million GB-seconds.
    expect(lambdaCostPerMillion(1024, 1000)).toBeCloseTo(0.2 + 13.3334, 4);
    // Billed by the started millisecond.
    expect(lambdaCostPerMillion(1024, 0.2)).toBeCloseTo(lambdaCostPerMillion(1024, 1), 10);
  });
});
