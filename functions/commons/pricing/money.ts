/**
 * Money without floating point. A rate is a decimal with at most 12 places (held exactly as an
 * integer of 10^-12 currency units); a cost is an integer of micro-units (10^-6: micro-dollars for a
 * USD card). A row's cost is rounded once, from the exact product of its units and its rate, half
 * away from zero; totals are sums of those integers, so they never drift whatever the volume.
 */

export const RATE_DECIMALS = 12;
const RATE_SCALE = 10n ** BigInt(RATE_DECIMALS);
const MICROS_PER_UNIT = 1_000_000n;
/** Rate units (10^-12) in one micro-unit (10^-6). */
const RATE_UNITS_PER_MICRO = RATE_SCALE / MICROS_PER_UNIT;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

const canonicalDecimal = (text: string): string | undefined => {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const whole = (match[1] ?? '0').replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > RATE_DECIMALS) return undefined;
  return fraction ? `${whole}.${fraction}` : whole;
};

/**
 * The canonical decimal string (`"0.0014"`) of a rate written as a JSON number or a decimal string,
 * or undefined when it is not a non-negative decimal with at most 12 places.
 */
export const canonicalRate = (value: unknown): string | undefined => {
  if (typeof value === 'string') return canonicalDecimal(value.trim());
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  // The shortest text that reads back as this number is what the author wrote (e.g. 0.0014).
  const shortest = String(value);
  const text = shortest.includes('e') ? value.toFixed(RATE_DECIMALS) : shortest;
  const canonical = canonicalDecimal(text);
  return canonical !== undefined && Number(canonical) === value ? canonical : undefined;
};

/** A canonical rate as an exact integer of 10^-12 currency units. */
export const rateUnits = (rate: string): bigint => {
  const [whole = '0', fraction = ''] = rate.split('.');
  return BigInt(whole) * RATE_SCALE + BigInt(fraction.padEnd(RATE_DECIMALS, '0') || '0');
};

/** Divides and rounds half away from zero. */
const divideRounded = (numerator: bigint, denominator: bigint): bigint => {
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let quotient = magnitude / denominator;
  if ((magnitude % denominator) * 2n >= denominator) quotient += 1n;
  return negative ? -quotient : quotient;
};

/** units × rate in micro-units, rounded once, half away from zero. */
export const costMicros = (units: number, rate: string): bigint => {
  if (!Number.isSafeInteger(units)) throw new RangeError(`units must be a safe integer, not ${units}`);
  return divideRounded(BigInt(units) * rateUnits(rate), RATE_UNITS_PER_MICRO);
};

/** Micro-units as an amount of the currency (the nearest double to the exact decimal). */
export const amountOf = (micros: bigint): number => Number(micros) / 1e6;
