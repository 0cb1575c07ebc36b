// Summary statistics the benchmarks print. Nearest-rank percentiles: every figure is a value that
// was measured, never an interpolation between two.

/** The p-th percentile of `values` by nearest rank (p in 0..100; NaN for no values). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}
