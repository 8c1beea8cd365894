/**
 * {@linkcode InferenceService}: runs a strategy's models outside the synchronous engine and
 * brings their answers back as `inference` events. The strategy pushes feature rows through
 * its context; the service keeps one {@linkcode FeatureBuffer} per model and, once a window is
 * full, asks the model.
 *
 * Timing, by design (docs/cortex.md):
 * - a synchronous model (the linear TOML) answers on the spot: the event is emitted at the
 *   request time (plus `syncLatencyMicros`, default 0);
 * - an asynchronous model (ONNX) in `modelled` timing (backtests) is run by the data loop
 *   between two inputs ({@linkcode InferenceService.flush}) and its answer is scheduled at the
 *   request time plus the configured `latencyMicros`, never a measured one, so reruns are
 *   byte-identical;
 * - in `live` timing it runs at once and its answer enters the engine when it is ready, with
 *   the measured latency in {@linkcode InferenceService.stats}.
 *
 * @module
 */

import { FeatureBuffer, type LoadedModel } from "../cortex/mod.ts";
import { ConfigError, type Micros, type ModelSpec } from "../domain/mod.ts";
import type { Engine } from "../engine/mod.ts";
import type { Event } from "../events/mod.ts";

/**
 * The modelled latency of an ONNX inference in backtests (µs): the p99 of batch-1
 * `CortexEngine.run` of the shipped models measured by `bench/cortex_inference.ts` (15–17 µs in
 * run A on the shared 2-core build machine; p50 ≈ 8 µs; bench/README.md), rounded up to 20.
 * Heavier contention stretches the tail (23–30 µs in run B): pass a larger latency to model a
 * busier host.
 */
export const DEFAULT_INFERENCE_LATENCY_MICROS = 20;

/** How answers of asynchronous models are timed. */
export type InferenceTiming = "modelled" | "live";

/** Options of {@linkcode InferenceService}. */
export interface InferenceOptions {
  /** The strategy that feeds the models. */
  readonly strategy: string;
  /** The strategy's declarations. */
  readonly specs: readonly ModelSpec[];
  /** The loaded models by id (from `loadModels`). */
  readonly models: ReadonlyMap<string, LoadedModel>;
  /** `modelled` (default; backtests) or `live`. */
  readonly timing?: InferenceTiming;
  /** Modelled latency of asynchronous models (µs, default {@linkcode DEFAULT_INFERENCE_LATENCY_MICROS}). */
  readonly latencyMicros?: number;
  /** Modelled latency of synchronous models (µs, default 0: the same instant). */
  readonly syncLatencyMicros?: number;
}

/** Counters of an {@linkcode InferenceService}. */
export interface InferenceStats {
  /** Feature rows pushed. */
  readonly rows: number;
  /** Inferences run. */
  readonly runs: number;
  /** Answers delivered. */
  readonly answers: number;
  /** Live: requests folded into the next run because one was in flight. */
  readonly coalesced: number;
  /** Live: answers dropped because their input rows were overwritten while in flight. */
  readonly stale: number;
  /** Live: failed runs (each raised an `inference-failed` alert). */
  readonly failures: number;
  /** Live: the last measured request-to-answer latency (µs). */
  readonly lastLatencyMicros: number | undefined;
  /** Live: the largest measured latency (µs). */
  readonly maxLatencyMicros: number | undefined;
}

interface Queued {
  readonly requestedAt: Micros;
  readonly input: Float32Array;
}

interface ModelState {
  readonly spec: ModelSpec;
  readonly model: LoadedModel;
  readonly buffer: FeatureBuffer;
  readonly queued: Queued[];
  inFlight: boolean;
  wanted: boolean;
}

function checkLatency(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(`${name} must be a whole number of microseconds ≥ 0, got ${value}`);
  }
  return value;
}

/** Runs one strategy's models for a session. */
export class InferenceService {
  readonly #engine: Engine;
  readonly #strategy: string;
  readonly #timing: InferenceTiming;
  readonly #latency: number;
  readonly #syncLatency: number;
  readonly #states = new Map<string, ModelState>();
  #pending = 0;
  #rows = 0;
  #runs = 0;
  #answers = 0;
  #coalesced = 0;
  #stale = 0;
  #failures = 0;
  #lastLatency: number | undefined;
  #maxLatency: number | undefined;

  /**
   * Prepares a buffer per declared model.
   *
   * @throws {ConfigError} when a declared model was not loaded or a latency is invalid.
   */
  constructor(engine: Engine, options: InferenceOptions) {
    this.#engine = engine;
    this.#strategy = options.strategy;
    this.#timing = options.timing ?? "modelled";
    this.#latency = checkLatency(
      "inference latency",
      options.latencyMicros ?? DEFAULT_INFERENCE_LATENCY_MICROS,
    );
    this.#syncLatency = checkLatency("sync inference latency", options.syncLatencyMicros ?? 0);
    for (const spec of options.specs) {
      const model = options.models.get(spec.id);
      if (model === undefined) {
        throw new ConfigError(
          `strategy ${options.strategy} declares model "${spec.id}" (${spec.path}), which was not loaded`,
          { hint: "load the strategy's models (loadModels) before starting the session" },
        );
      }
      this.#states.set(spec.id, {
        spec,
        model,
        buffer: new FeatureBuffer({ features: spec.features.length, window: spec.window }),
        queued: [],
        inFlight: false,
        wanted: false,
      });
    }
  }

  /** Requests waiting for {@linkcode InferenceService.flush} (modelled timing). */
  get pending(): number {
    return this.#pending;
  }

  /** The counters. */
  stats(): InferenceStats {
    return {
      rows: this.#rows,
      runs: this.#runs,
      answers: this.#answers,
      coalesced: this.#coalesced,
      stale: this.#stale,
      failures: this.#failures,
      lastLatencyMicros: this.#lastLatency,
      maxLatencyMicros: this.#maxLatency,
    };
  }

  /**
   * Takes a feature row for `model` (called from the strategy's context, inside
   * `Engine.process`); runs or queues the model once its window is full.
   *
   * @throws {RangeError} for an undeclared model, a row of the wrong length, or more
   * queued requests of one model between two inputs than its buffer can hold.
   */
  push(model: string, row: ArrayLike<number>): void {
    const state = this.#states.get(model);
    if (state === undefined) {
      throw new RangeError(
        `strategy ${this.#strategy} pushed features for model "${model}", which it does not declare (declared: ${
          [...this.#states.keys()].join(", ") || "none"
        })`,
      );
    }
    const { buffer } = state;
    if (row.length !== buffer.features) {
      throw new RangeError(
        `strategy ${this.#strategy} pushed ${row.length} features for model "${model}", which takes ${buffer.features}`,
      );
    }
    buffer.push(row);
    this.#rows++;
    if (!buffer.ready) return;
    const now = this.#engine.now();
    const model_ = state.model;
    if (model_.kind === "sync") {
      this.#runs++;
      this.#deliver(state.spec.id, model_.run(buffer.window()), now, now + this.#syncLatency);
      return;
    }
    if (this.#timing === "live") {
      if (state.inFlight) {
        state.wanted = true;
        this.#coalesced++;
      } else this.#start(state);
      return;
    }
    if (state.queued.length >= buffer.capacity - buffer.rows) {
      throw new RangeError(
        `strategy ${this.#strategy} pushed more rows for model "${model}" between two inputs than its buffer holds (${
          buffer.capacity - buffer.rows
        })`,
      );
    }
    state.queued.push({ requestedAt: now, input: buffer.window() });
    this.#pending++;
  }

  /**
   * Modelled timing: runs every queued request, in request order, and schedules each answer at
   * its request time plus the modelled latency (no earlier than the engine's current time).
   * Call it between two inputs, never from a handler.
   */
  async flush(): Promise<void> {
    if (this.#pending === 0) return;
    for (const state of this.#states.values()) {
      const model = state.model;
      if (model.kind !== "async") continue;
      for (const request of state.queued) {
        this.#runs++;
        const output = await model.run(request.input);
        this.#deliver(
          state.spec.id,
          output,
          request.requestedAt,
          request.requestedAt + this.#latency,
        );
      }
      this.#pending -= state.queued.length;
      state.queued.length = 0;
    }
  }

  #start(state: ModelState): void {
    const model = state.model;
    if (model.kind !== "async") return;
    const { buffer } = state;
    const startCount = buffer.count;
    const requestedAt = this.#engine.now();
    state.inFlight = true;
    this.#runs++;
    model.run(buffer.window()).then((output) => {
      state.inFlight = false;
      // The window's rows are overwritten after `slack` more pushes: such an answer is not
      // about the rows it was asked about, so it is dropped (the next run is on fresh rows).
      if (buffer.count - startCount > buffer.capacity - buffer.rows) this.#stale++;
      else {
        const at = this.#engine.now();
        const latency = at - requestedAt;
        this.#lastLatency = latency;
        this.#maxLatency = Math.max(this.#maxLatency ?? 0, latency);
        this.#deliver(state.spec.id, output, requestedAt, at);
      }
      if (state.wanted) {
        state.wanted = false;
        this.#start(state);
      }
    }, (error: unknown) => {
      state.inFlight = false;
      state.wanted = false;
      this.#failures++;
      const now = this.#engine.now();
      this.#input({
        kind: "alert",
        ts: now,
        tsRecv: now,
        severity: "warning",
        code: "inference-failed",
        message: `model ${state.spec.id} of ${this.#strategy} failed: ${
          error instanceof Error ? error.message : String(error)
        }`,
      });
    });
  }

  #deliver(model: string, output: readonly number[], requestedAt: Micros, at: Micros): void {
    this.#answers++;
    const engine = this.#engine;
    const ts = Math.max(at, engine.now());
    const event: Event = {
      kind: "inference",
      ts,
      tsRecv: ts,
      strategy: this.#strategy,
      inference: { model, output: [...output], requestedAt },
    };
    if (engine.processing && ts === engine.now()) engine.emit(event);
    else if (this.#timing === "live" && !engine.processing) engine.process(event);
    else engine.schedule(ts, event);
  }

  #input(event: Event): void {
    if (this.#engine.processing) this.#engine.emit(event);
    else this.#engine.process(event);
  }
}
