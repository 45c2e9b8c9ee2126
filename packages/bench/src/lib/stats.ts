// Summaries of repeated measurements. Percentiles by nearest rank: with the small samples a
// benchmark on a laptop can afford, interpolation would only pretend to more precision.

/** The p-th percentile (0-100) of `values`, nearest rank; NaN for no values. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
};

export const median = (values: readonly number[]): number => percentile(values, 50);

/** p50 and p99 of a latency sample, with its size. */
export interface Latency {
  n: number;
  p50: number;
  p99: number;
}

export const latency = (values: readonly number[]): Latency => ({
  n: values.length,
  p50: round(percentile(values, 50)),
  p99: round(percentile(values, 99)),
});

/** Round to `digits` decimals (JSON results stay readable). */
export const round = (value: number, digits = 2): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/** `a / b` rounded to two decimals. */
export const ratio = (a: number, b: number): number => round(a / b, 2);
