/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32) for synthetic data: the same
 * seed gives the same sequence on every platform, unlike `Math.random`.
 *
 * @module
 */

function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** Deterministic pseudo-random numbers from a 32-bit seed. */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spare: number | undefined = undefined;

  /** Seeds the generator; any integer works (it is folded to 32 bits). */
  constructor(seed: number) {
    let state = seed | 0;
    let value: number;
    [state, value] = splitmix32(state);
    this.#a = value;
    [state, value] = splitmix32(state);
    this.#b = value;
    [state, value] = splitmix32(state);
    this.#c = value;
    [, value] = splitmix32(state);
    this.#d = value | 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /** A uniform float in `[0, 1)`. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A standard normal variate (Marsaglia polar method, pairs cached). */
  normal(): number {
    const spare = this.#spare;
    if (spare !== undefined) {
      this.#spare = undefined;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt(-2 * Math.log(s) / s);
    this.#spare = v * factor;
    return u * factor;
  }

  /** An exponential variate with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
