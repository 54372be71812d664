import { amountOf, canonicalRate, costMicros, rateUnits } from './money';

describe('canonicalRate', () => {
  it.each([
    [0.0014, '0.0014'],
    ['0.0014', '0.0014'],
    ['0.0080', '0.008'],
    [0.136, '0.136'],
    [0, '0'],
    ['00.50', '0.5'],
    [1e-7, '0.0000001'],
    ['0.000000000001', '0.000000000001'],
    [12, '12'],
  ])('reads %j as %s', (input, expected) => {
    expect(canonicalRate(input)).toBe(expected);
  });

  it.each([
    [-0.01],
    ['-0.01'],
    ['1e-3'],
    ['abc'],
    [''],
    [Number.NaN],
    [Infinity],
    [1e-13],
    ['0.0000000000001'],
    [null],
  ])('refuses %j', (input) => {
    expect(canonicalRate(input)).toBeUndefined();
  });
});

describe('costMicros', () => {
  it('is exact when the rate has at most six decimal places', () => {
    expect(costMicros(1, '0.0014')).toBe(1400n);
    expect(costMicros(3_000_000, '0.0118')).toBe(35_400_000_000n);
    expect(costMicros(0, '0.0604')).toBe(0n);
  });

  it('rounds once, half away from zero, when it is not', () => {
    expect(costMicros(1, '0.0000015')).toBe(2n); // 1.5 µ
    expect(costMicros(1, '0.0000014999')).toBe(1n);
    expect(costMicros(3, '0.0000015')).toBe(5n); // 4.5 µ
    expect(costMicros(-1, '0.0000015')).toBe(-2n);
    expect(costMicros(1_000_001, '0.000000333333')).toBe(333_333n); // 333333.333333 µ
  });

  it('refuses fractional units', () => {
    expect(() => costMicros(1.5, '0.01')).toThrow(RangeError);
  });

  it('holds rates exactly', () => {
    expect(rateUnits('0.0014')).toBe(1_400_000_000n);
    expect(rateUnits('2')).toBe(2_000_000_000_000n);
  });
});

describe('amountOf', () => {
  it('turns micro-units into the nearest number', () => {
    expect(amountOf(1400n)).toBe(0.0014);
    expect(amountOf(35_400_000_000n)).toBe(35400);
    expect(amountOf(300_000n)).toBe(0.3);
  });
});
