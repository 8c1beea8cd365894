/**
 * TWAP: the parent in `slices` children spread evenly over `durationSecs`, optionally with
 * seeded jitter of slice times and sizes. Each slice sends what the schedule asks for by then
 * minus what is filled or still working, so a slice the market did not fill is caught up by
 * the next. Market children by default; with `price` limit children that rest until the end.
 * At the end a child still working is cancelled and the unfilled rest is the shortfall.
 *
 * @module
 */

import type { JsonValue, Micros } from "../../domain/mod.ts";
import { type AlgorithmHint, ExecutionAlgorithm } from "./algorithm.ts";
import { seededUniform, splitLots } from "./_random.ts";

/** One planned TWAP slice. */
export interface TwapSlice {
  /** When it is sent (µs). */
  readonly at: Micros;
  /** Its size in lots. */
  readonly lots: number;
}

/** The TWAP schedule for a parent of `lots` lots starting at `start`. */
export function twapSchedule(
  hint: AlgorithmHint<"twap">,
  lots: number,
  start: Micros,
): readonly TwapSlice[] {
  const slices = Math.min(hint.slices, lots);
  const span = (hint.durationSecs * 1_000_000) / slices;
  const jitter = hint.randomize ?? 0;
  // Without jitter every draw is multiplied by 0: no generator, the same times and sizes.
  const random = jitter === 0 ? undefined : seededUniform(hint.seed ?? 1);
  const times: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < slices; i++) {
    // The first slice goes at once; later ones move by up to ±jitter/2 of a slice.
    const shift = i === 0 || random === undefined ? 0 : (random() - 0.5) * jitter * span;
    times.push(Math.round(start + i * span + shift));
    weights.push(random === undefined ? 1 : 1 + (random() - 0.5) * jitter);
  }
  const sizes = splitLots(lots, weights);
  return times.map((at, i) => ({ at, lots: sizes[i] }));
}

/** The TWAP algorithm. */
export class Twap extends ExecutionAlgorithm {
  #schedule: readonly TwapSlice[] = [];
  #next = 0;

  /** The hint. */
  get hint(): AlgorithmHint<"twap"> {
    return this.parent.hint as AlgorithmHint<"twap">;
  }

  /** The slice plan. */
  get schedule(): readonly TwapSlice[] {
    return this.#schedule;
  }

  /** Plans the slices and sends the first. */
  begin(): void {
    this.#schedule = twapSchedule(this.hint, this.parent.lots, this.parent.startTs);
    this.arm("end", this.#endTs());
    this.#slice();
  }

  /** A timer of this algorithm fell due. */
  protected override onAlarm(name: string): void {
    if (name === "slice") this.#slice();
    else if (name === "end") this.#end();
  }

  /** A child finished; the parent goes on. */
  protected override onChildDone(): void {
    if (this.#next >= this.#schedule.length && this.ctx.now() >= this.#endTs()) {
      this.finishWhenIdle("the duration ended before the parent filled");
    }
  }

  /** This algorithm's own state. */
  protected extraState(): JsonValue {
    return { schedule: this.#schedule.map((s) => [s.at, s.lots]), next: this.#next };
  }

  /** Takes back this algorithm's own state. */
  protected restoreExtra(extra: JsonValue): void {
    const data = extra as { schedule: [number, number][]; next: number };
    this.#schedule = data.schedule.map(([at, lots]) => ({ at, lots }));
    this.#next = data.next;
  }

  #endTs(): Micros {
    return this.parent.startTs + Math.round(this.hint.durationSecs * 1_000_000);
  }

  // Sends every slice due by now (one child for all of them), then waits for the next.
  #slice(): void {
    const now = this.ctx.now();
    let target = 0;
    for (let i = 0; i < this.#next; i++) target += this.#schedule[i].lots;
    while (this.#next < this.#schedule.length && this.#schedule[this.#next].at <= now) {
      target += this.#schedule[this.#next++].lots;
    }
    const behind = target - this.filledLots - (this.remainingLots - this.unsentLots);
    if (behind > 0) {
      const price = this.hint.price;
      this.sendChild(
        behind,
        price === undefined ? this.marketChild() : { type: "limit", price, timeInForce: "gtc" },
      );
    }
    if (this.#next < this.#schedule.length) this.arm("slice", this.#schedule[this.#next].at);
  }

  #end(): void {
    // Market children still working finish on their own; resting limits end with the parent.
    if (this.hint.price !== undefined) this.cancelOpenChildren();
    this.finishWhenIdle("the duration ended before the parent filled");
  }
}
