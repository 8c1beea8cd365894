/**
 * VWAP: the parent worked over `durationSecs` in buckets of `bucketSecs` (default 60 s) along
 * a volume profile — the configured `profile`, or the volume the session saw at those times of
 * day before the parent started (uniform when it saw none) — and never above `participation`
 * of the market volume observed since the start. It acts on market events (a bar's close, a
 * trade): once per bucket it sends one market child for what the profile asks for by then
 * minus what is filled or working, capped by the participation; a bucket that fell behind is
 * caught up by the next, within the cap. After the duration the rest is the shortfall.
 *
 * @module
 */

import type { JsonValue, Micros } from "../../domain/mod.ts";
import {
  type AlgoContext,
  type AlgorithmHint,
  ExecutionAlgorithm,
  type MarketObservation,
  type ParentOrder,
} from "./algorithm.ts";

/** Default bucket length (s). */
export const VWAP_BUCKET_SECS = 60;

/** The cumulative share of the parent due by the end of each bucket (the last is 1). */
export function vwapTargets(weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + Math.max(0, b), 0);
  let cumulative = 0;
  return weights.map((w, i) => {
    cumulative += sum > 0 ? Math.max(0, w) / sum : 1 / weights.length;
    return i === weights.length - 1 ? 1 : cumulative;
  });
}

/** The VWAP algorithm. */
export class Vwap extends ExecutionAlgorithm {
  #targets: readonly number[] = [];
  #lastBucket = -1;
  readonly #weights: (start: Micros, buckets: number, bucketMicros: number) => number[];

  /**
   * A VWAP for `parent`; `historicalWeights` gives the volume the session saw per bucket at
   * the same times of day (the profile when the hint configures none).
   */
  constructor(
    parent: ParentOrder,
    ctx: AlgoContext,
    historicalWeights: (start: Micros, buckets: number, bucketMicros: number) => number[],
  ) {
    super(parent, ctx);
    this.#weights = historicalWeights;
  }

  /** The hint. */
  get hint(): AlgorithmHint<"vwap"> {
    return this.parent.hint as AlgorithmHint<"vwap">;
  }

  /** Cumulative share due by the end of each bucket. */
  get targets(): readonly number[] {
    return this.#targets;
  }

  /** Plans the buckets; the first child waits for volume to be observed. */
  begin(): void {
    const buckets = this.#buckets();
    const profile = this.hint.profile;
    const weights = profile === undefined || profile.length === 0
      ? this.#weights(this.parent.startTs, buckets, this.#bucketMicros())
      : Array.from(
        { length: buckets },
        (_, i) => profile[Math.floor((i * profile.length) / buckets)],
      );
    this.#targets = vwapTargets(weights);
    // The end comes even when no market event does (a quiet live market).
    this.arm("end", this.#endTs() + this.#bucketMicros());
  }

  /** A market event of the parent's symbol. */
  protected override onObservation(observation: MarketObservation): void {
    const bucket = Math.floor((observation.ts - this.parent.startTs) / this.#bucketMicros());
    if (bucket <= 0 || bucket === this.#lastBucket) return;
    this.#work(bucket);
    if (observation.ts >= this.#endTs()) this.finishWhenIdle(this.#shortReason());
  }

  /** A timer of this algorithm fell due. */
  protected override onAlarm(name: string): void {
    if (name !== "end") return;
    this.cancelOpenChildren();
    this.finishWhenIdle(this.#shortReason());
  }

  /** A child finished; the parent goes on. */
  protected override onChildDone(): void {
    if (this.ctx.now() >= this.#endTs()) this.finishWhenIdle(this.#shortReason());
  }

  /** This algorithm's own state. */
  protected extraState(): JsonValue {
    return { targets: [...this.#targets], lastBucket: this.#lastBucket };
  }

  /** Takes back this algorithm's own state. */
  protected restoreExtra(extra: JsonValue): void {
    const data = extra as { targets: number[]; lastBucket: number };
    this.#targets = data.targets;
    this.#lastBucket = data.lastBucket;
  }

  #bucketMicros(): number {
    return Math.round((this.hint.bucketSecs ?? VWAP_BUCKET_SECS) * 1_000_000);
  }

  #buckets(): number {
    return Math.max(1, Math.ceil((this.hint.durationSecs * 1_000_000) / this.#bucketMicros()));
  }

  #endTs(): Micros {
    return this.parent.startTs + this.#buckets() * this.#bucketMicros();
  }

  #shortReason(): string {
    return `the duration ended with the participation cap of ${this.hint.participation} binding`;
  }

  // `bucket` buckets have elapsed: send what the profile asks for by now, within the cap.
  #work(bucket: number): void {
    if (this.openChildren().length > 0) return;
    this.#lastBucket = bucket;
    const p = this.parent;
    const due = Math.round(p.lots * this.#targets[Math.min(bucket, this.#targets.length) - 1]);
    const working = this.remainingLots - this.unsentLots;
    const cap = Math.floor((this.hint.participation * this.marketVolume) / p.lotSize + 1e-9);
    const lots = Math.min(due, cap) - this.filledLots - working;
    if (lots > 0) this.sendChild(lots, this.marketChild());
  }
}
