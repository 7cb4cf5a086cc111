// The few statistics the benchmark needs, on plain arrays of numbers.

/** The value below which `p` % of `sorted` (ascending) lie. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Student's t for a two-sided 95% interval, by degrees of freedom 1–30 (1.96 beyond). */
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/**
 * 95% confidence interval of the typical ratio among `ratios` (Student's t on
 * their logarithms, so 0.5 and 2 weigh alike); null under 2 values.
 */
export function confidence95(ratios: number[]): [number, number] | null {
  const n = ratios.length;
  if (n < 2 || ratios.some((r) => !(r > 0) || !Number.isFinite(r))) return null;
  const logs = ratios.map(Math.log);
  const mean = logs.reduce((sum, x) => sum + x, 0) / n;
  const sd = Math.sqrt(logs.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1));
  const half = ((T95[n - 2] ?? 1.96) * sd) / Math.sqrt(n);
  return [Math.exp(mean - half), Math.exp(mean + half)];
}
