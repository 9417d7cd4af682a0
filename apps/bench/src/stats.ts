// Small statistics used for every measurement: the median of samples (robust to
// the odd slow sample on a shared machine) and the ratios printed in reports.

export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('median of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** a / b, or null when either side is missing or b is not positive. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return null;
  return a / b;
}

/** The largest finite value, or null. */
export function best(values: readonly (number | null | undefined)[]): number | null {
  let top: number | null = null;
  for (const v of values) if (v != null && Number.isFinite(v) && (top === null || v > top)) top = v;
  return top;
}
