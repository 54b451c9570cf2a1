export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** The p-th percentile (0-100) of raw samples, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const CURVE = [1, 10, 25, 50, 75, 90, 97.5, 99, 99.9, 99.99];

/** [percentile, value] pairs of raw samples, for drawing the distribution. */
export function curve(values: number[]): [number, number][] {
  if (values.length === 0) return [];
  const sorted = Float64Array.from(values).sort();
  return CURVE.map((p) => [p, sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]]);
}

/** The largest of many samples (spreading hundreds of thousands into Math.max overflows the stack). */
export function maximum(values: number[]): number {
  let max = -Infinity;
  for (const value of values) if (value > max) max = value;
  return max;
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
