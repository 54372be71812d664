/**
 * The bench's arithmetic, pure: percentiles, ratios that hold still on a noisy machine, and
 * Lambda's CPU share by memory.
 */

/** Nearest-rank percentile (p in 0..100) of a non-empty sample. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
};

export const median = (values: readonly number[]): number => percentile(values, 50);

/**
 * Lambda allocates CPU in proportion to the memory setting, one full vCPU at 1,769 MB
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). Node runs the
 * handler on one thread, so more than one vCPU buys it nothing: the share is capped at 1.
 */
export const VCPU_MEMORY_MB = 1769;

export const cpuShare = (memoryMb: number): number => Math.min(1, memoryMb / VCPU_MEMORY_MB);

/**
 * A call's time at a memory size, from its time and CPU here: every CPU millisecond stretches to
 * 1/share milliseconds, waiting on the network does not. Serial (no CPU overlaps a wait), so an
 * upper bound; this machine's core is taken as a Lambda vCPU.
 */
export const projectedMs = (sample: { wallMs: number; cpuMs: number }, memoryMb: number): number =>
  sample.wallMs + sample.cpuMs * (1 / cpuShare(memoryMb) - 1);

export interface RatioSpread {
  /** median of the per-round ratios */
  median: number;
  min: number;
  max: number;
  rounds: number;
}

/** The per-round ratios B / A of rounds measured A B A B, their median and spread. */
export const roundRatios = (rounds: ReadonlyArray<{ a: number; b: number }>): RatioSpread => {
  const ratios = rounds.map(({ a, b }) => b / a);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), rounds: ratios.length };
};

export type Verdict = 'holds' | 'fails' | 'within noise';

/**
 * A budget's verdict from a spread of measurements: it holds or fails only when the whole spread
 * is on one side of the budget; a spread that straddles it is within noise.
 */
export const spreadVerdict = (
  spread: { min: number; max: number },
  budget: number,
  holdsWhen: 'at most' | 'at least',
): Verdict => {
  const [good, bad] =
    holdsWhen === 'at most' ? [spread.max <= budget, spread.min > budget] : [spread.min >= budget, spread.max < budget];
  return good ? 'holds' : bad ? 'fails' : 'within noise';
};
