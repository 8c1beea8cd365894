/**
 * A small seeded generator for the algorithms' jitter (TWAP slice times and sizes), so a run
 * with the same seed sends the same children.
 *
 * @module
 */

/** Uniform numbers in [0, 1) from a 32-bit seed (mulberry32). */
export function seededUniform(seed: number): () => number {
  let state = (Math.trunc(seed) >>> 0) || 0x9e3779b9;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Splits `total` whole lots into `weights.length` whole parts proportional to the weights
 * (largest remainders; earlier parts win ties), so the parts always add up to `total`.
 */
export function splitLots(total: number, weights: readonly number[]): number[] {
  if (weights.length === 1) return [total];
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => sum > 0 ? (total * w) / sum : total / weights.length);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) =>
    b.r - a.r || a.i - b.i
  );
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k].i]++;
  return parts;
}
