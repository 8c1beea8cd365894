import type { Indicator } from "./types.ts";

/**
 * Chains indicators: each stage's output is the next stage's input, and the chain is itself an
 * {@linkcode Indicator} from the first stage's input to the last stage's output. While any
 * stage warms up the chain returns `undefined` (later stages are not fed).
 *
 * No allocation per update: `update` walks a fixed array of stages. Use {@linkcode map} to
 * adapt shapes between stages (e.g. a bar to its close, or a multi-output value to one field).
 *
 * @example
 * ```ts
 * import { Ema, Rsi, pipe } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const rsiOfEma = pipe(new Ema({ period: 3 }), new Rsi({ period: 2 }));
 * const outputs = [1, 2, 3, 4, 5, 6].map((x) => rsiOfEma.update(x));
 * assert.equal(outputs[4], 100); // EMA warm after 3 prices, RSI after 2 more EMA values
 * ```
 */
export function pipe<A, B, C>(first: Indicator<A, B>, second: Indicator<B, C>): Indicator<A, C>;
/** Chains three indicators; see the two-stage overload. */
export function pipe<A, B, C, D>(
  first: Indicator<A, B>,
  second: Indicator<B, C>,
  third: Indicator<C, D>,
): Indicator<A, D>;
/** Chains four indicators; see the two-stage overload. */
export function pipe<A, B, C, D, E>(
  first: Indicator<A, B>,
  second: Indicator<B, C>,
  third: Indicator<C, D>,
  fourth: Indicator<D, E>,
): Indicator<A, E>;
/** Chains five indicators; see the two-stage overload. */
export function pipe<A, B, C, D, E, F>(
  first: Indicator<A, B>,
  second: Indicator<B, C>,
  third: Indicator<C, D>,
  fourth: Indicator<D, E>,
  fifth: Indicator<E, F>,
): Indicator<A, F>;
export function pipe(...stages: Indicator<unknown, unknown>[]): Indicator<unknown, unknown> {
  return new Pipeline(stages);
}

/** The chain built by {@linkcode pipe}. */
class Pipeline implements Indicator<unknown, unknown> {
  readonly #stages: readonly Indicator<unknown, unknown>[];
  readonly #last: Indicator<unknown, unknown>;

  constructor(stages: Indicator<unknown, unknown>[]) {
    const last = stages.at(-1);
    if (last === undefined) throw new RangeError("pipe: at least one stage is required");
    this.#stages = stages;
    this.#last = last;
  }

  update(input: unknown): unknown {
    const stages = this.#stages;
    let current: unknown = input;
    for (let i = 0; i < stages.length; i++) {
      current = stages[i].update(current);
      if (current === undefined) return undefined;
    }
    return current;
  }

  get value(): unknown {
    return this.#last.value;
  }

  get isReady(): boolean {
    return this.#last.isReady;
  }

  reset(): void {
    for (const stage of this.#stages) stage.reset();
  }
}

/**
 * A stateless stage that applies `fn` to each input, for use in {@linkcode pipe}. Ready after
 * its first input. Allocation-free as long as `fn` is.
 *
 * @example
 * ```ts
 * import { Macd, Sma, map, pipe } from "@tesser/tesser/indicators";
 * import type { Bar } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * // Smoothed MACD histogram of bar closes.
 * const smoothed = pipe(
 *   map((bar: Bar) => bar.close),
 *   new Macd(),
 *   map((m) => m.histogram),
 *   new Sma({ period: 5 }),
 * );
 * assert.equal(smoothed.update({ high: 2, low: 1, close: 1.5 }), undefined); // still warming up
 * ```
 */
export function map<In, Out>(fn: (input: In) => Out): Indicator<In, Out> {
  return new MapStage(fn);
}

/** The stage built by {@linkcode map}. */
class MapStage<In, Out> implements Indicator<In, Out> {
  readonly #fn: (input: In) => Out;
  #value: Out | undefined = undefined;

  constructor(fn: (input: In) => Out) {
    this.#fn = fn;
  }

  update(input: In): Out {
    const out = this.#fn(input);
    this.#value = out;
    return out;
  }

  get value(): Out | undefined {
    return this.#value;
  }

  get isReady(): boolean {
    return this.#value !== undefined;
  }

  reset(): void {
    this.#value = undefined;
  }
}
