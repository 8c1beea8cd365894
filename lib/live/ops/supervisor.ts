/**
 * Supervision of the long-running tasks of a live process (market feeds, the execution
 * channel): a task that ends or reports its link down is restarted (or given time to reconnect)
 * with jittered exponential backoff, 100 ms doubling to at most 60 s. A restart that never gets
 * the task back up is a failure; a disconnect that is back up within its backoff is not. Ten
 * failures within ten minutes open the task's circuit: no more restarts, an alert, and a
 * callback so the runtime goes reducing-only while the process stays up for inspection.
 *
 * @module
 */

import type { Micros } from "../../domain/mod.ts";
import type { Clock, Sleeper } from "../../engine/mod.ts";
import type { OpsAlert } from "./alerts.ts";
import { type LiveLogger, liveLogger } from "./logging.ts";
import { sleepUnlessAborted } from "./_sleep.ts";

/** What a supervised task is given each time it runs. */
export interface SupervisedTaskContext {
  /** Aborted when the supervisor stops or the task's circuit opens: end the run then. */
  readonly signal: AbortSignal;
  /** The task is healthy (connected, authenticated, subscribed). Call it on every (re)connect. */
  up(): void;
  /**
   * The task lost its link and is reconnecting by itself. Back `up()` within the current
   * backoff, it was no failure; otherwise each backoff that passes counts as one failed restart.
   */
  down(reason: string): void;
}

/** A long-running task; its promise ending (resolved or rejected) means it stopped working. */
export interface SupervisedTask {
  /** A stable name for logs, metrics and alerts, e.g. `market:bybit`. */
  readonly name: string;
  /** Runs until the link is lost for good or `context.signal` aborts. */
  run(context: SupervisedTaskContext): Promise<void>;
}

/** Where a supervised task is. */
export type SupervisedTaskState = "starting" | "up" | "down" | "circuit-open" | "stopped";

/** A task's state, for the health endpoint and `live control status`. */
export interface SupervisedTaskStatus {
  /** The task's name. */
  readonly name: string;
  /** Its state. */
  readonly state: SupervisedTaskState;
  /** How many times it was restarted. */
  readonly restarts: number;
  /** Failed restarts within the circuit window. */
  readonly recentFailures: number;
  /** Why it last went down, when it did. */
  readonly lastError?: string;
  /** When it entered its state (µs). */
  readonly since: Micros;
}

/** What {@linkcode Supervisor.stop} achieved. */
export interface SupervisorStopResult {
  /** Tasks whose runs ended. */
  readonly stopped: readonly string[];
  /** Tasks still running at the deadline (they ignored their abort signal). */
  readonly stuck: readonly string[];
}

/** Options of {@linkcode Supervisor}. */
export interface SupervisorOptions {
  /** Time source (the wall clock live, a ManualClock in tests). */
  readonly clock: Clock;
  /** Waits out the backoff on `clock`. */
  readonly sleeper: Sleeper;
  /** Uniform random numbers in [0, 1) for the jitter (default `Math.random`). */
  readonly random?: () => number;
  /** First backoff in ms (default 100). */
  readonly baseMs?: number;
  /** Largest backoff in ms (default 60,000). */
  readonly capMs?: number;
  /** Failed restarts within the window that open the circuit (default 10). */
  readonly maxFailures?: number;
  /** The circuit window in ms (default 600,000: ten minutes). */
  readonly windowMs?: number;
  /** Up this long (ms), a task's backoff starts again from the base (default 60,000). */
  readonly stableAfterMs?: number;
  /**
   * Extra time (ms) a self-reconnecting task gets on top of each backoff to come back `up()`
   * (default 0). Its own reconnect waits a backoff of its own and then has to connect,
   * authenticate and subscribe: without this margin a reconnect that is on time could be
   * counted as a failure.
   */
  readonly reconnectAllowanceMs?: number;
  /** Called once when a task's circuit opens: the runtime goes reducing-only. */
  readonly onCircuitOpen?: (status: SupervisedTaskStatus) => void;
  /** Where the circuit alert goes (an {@linkcode Alerter} fits). */
  readonly alerter?: { notify(alert: OpsAlert): void };
  /** Restart and circuit counters (a {@linkcode LiveMetrics} fits). */
  readonly metrics?: {
    restart(task: string): void;
    circuitOpen(task: string, open: boolean): void;
  };
  /** Where restarts are logged (default: the `supervisor` component logger). */
  readonly log?: LiveLogger;
}

interface Slot {
  readonly task: SupervisedTask;
  state: SupervisedTaskState;
  since: Micros;
  restarts: number;
  attempt: number;
  upAt: Micros | undefined;
  // Whether the current run ever reported up (a run that never did is a failed restart).
  upThisRun: boolean;
  // Bumped by resetCircuit: a loop of an older generation (its aborted run still winding
  // down) must end instead of restarting the task beside the new loop.
  generation: number;
  failures: Micros[];
  lastError: string | undefined;
  run: AbortController;
  // Set while a self-reconnect is in progress: its grace timer's abort.
  grace: AbortController | undefined;
  // Aborted by stopTask: this task alone ends for good.
  halt: AbortController;
  loop: Promise<void> | undefined;
}

/**
 * Restarts tasks with backoff and opens a circuit on repeated failure.
 *
 * @example
 * ```ts
 * import { Supervisor } from "@tesser/tesser/live";
 * import { ManualClock } from "@tesser/tesser/engine";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock(0);
 * const supervisor = new Supervisor({ clock, sleeper: clock, random: () => 0.5 });
 * let runs = 0;
 * supervisor.start({
 *   name: "feed",
 *   run: (context) => {
 *     runs++;
 *     context.up();
 *     return new Promise((resolve) => context.signal.addEventListener("abort", () => resolve()));
 *   },
 * });
 * assert.equal(supervisor.status()[0].state, "up");
 * await supervisor.stop();
 * assert.equal(runs, 1);
 * ```
 */
export class Supervisor {
  readonly #clock: Clock;
  readonly #sleeper: Sleeper;
  readonly #random: () => number;
  readonly #baseMs: number;
  readonly #capMs: number;
  readonly #maxFailures: number;
  readonly #windowMicros: number;
  readonly #stableMicros: number;
  readonly #allowanceMs: number;
  readonly #onCircuitOpen: (status: SupervisedTaskStatus) => void;
  readonly #alerter: SupervisorOptions["alerter"];
  readonly #metrics: SupervisorOptions["metrics"];
  readonly #log: LiveLogger;
  readonly #slots = new Map<string, Slot>();
  readonly #stop = new AbortController();

  /** Creates a supervisor with no tasks. */
  constructor(options: SupervisorOptions) {
    this.#clock = options.clock;
    this.#sleeper = options.sleeper;
    this.#random = options.random ?? Math.random;
    this.#baseMs = options.baseMs ?? 100;
    this.#capMs = options.capMs ?? 60_000;
    this.#maxFailures = options.maxFailures ?? 10;
    this.#windowMicros = (options.windowMs ?? 600_000) * 1000;
    this.#stableMicros = (options.stableAfterMs ?? 60_000) * 1000;
    this.#allowanceMs = options.reconnectAllowanceMs ?? 0;
    this.#onCircuitOpen = options.onCircuitOpen ?? (() => {});
    this.#alerter = options.alerter;
    this.#metrics = options.metrics;
    this.#log = options.log ?? liveLogger("supervisor");
    if (!(this.#baseMs > 0) || !(this.#capMs >= this.#baseMs)) {
      throw new RangeError(
        `Supervisor: need 0 < baseMs ≤ capMs, got ${this.#baseMs} and ${this.#capMs}`,
      );
    }
    if (!Number.isInteger(this.#maxFailures) || this.#maxFailures < 1) {
      throw new RangeError(`Supervisor: maxFailures must be ≥ 1, got ${this.#maxFailures}`);
    }
  }

  /**
   * The backoff (ms) before restart number `attempt` (0-based): base × 2^attempt within ±25%
   * jitter, never above the cap.
   */
  backoffMs(attempt: number): number {
    const raw = Math.min(this.#capMs, this.#baseMs * 2 ** Math.min(attempt, 40));
    return Math.min(this.#capMs, raw * (0.75 + 0.5 * this.#random()));
  }

  /**
   * Starts supervising `task` (its first run starts now).
   *
   * @throws {RangeError} when a task of that name is already supervised or the supervisor stopped.
   */
  start(task: SupervisedTask): void {
    if (this.#stop.signal.aborted) throw new RangeError("Supervisor: already stopped");
    if (this.#slots.has(task.name)) {
      throw new RangeError(`Supervisor: a task named "${task.name}" is already supervised`);
    }
    const slot: Slot = {
      task,
      state: "starting",
      since: this.#clock.now(),
      restarts: 0,
      attempt: 0,
      upAt: undefined,
      upThisRun: false,
      generation: 0,
      failures: [],
      lastError: undefined,
      run: new AbortController(),
      grace: undefined,
      halt: new AbortController(),
      loop: undefined,
    };
    this.#slots.set(task.name, slot);
    slot.loop = this.#loop(slot);
  }

  /** Every task's state, in start order. */
  status(): readonly SupervisedTaskStatus[] {
    return [...this.#slots.values()].map((slot) => this.#statusOf(slot));
  }

  /** Whether any task's circuit is open. */
  get circuitOpen(): boolean {
    return [...this.#slots.values()].some((slot) => slot.state === "circuit-open");
  }

  /**
   * Closes the circuit of task `name` (an operator's decision) and starts it again from the
   * base backoff. Returns false when that task's circuit is not open.
   */
  resetCircuit(name: string): boolean {
    const slot = this.#slots.get(name);
    if (
      slot === undefined || slot.state !== "circuit-open" || this.#stop.signal.aborted ||
      slot.halt.signal.aborted
    ) {
      return false;
    }
    slot.failures = [];
    slot.attempt = 0;
    slot.generation++;
    slot.run = new AbortController();
    this.#metrics?.circuitOpen(name, false);
    this.#log.info("circuit closed by the operator; restarting", { task: name });
    this.#enter(slot, "starting");
    slot.loop = this.#loop(slot);
    return true;
  }

  /**
   * Stops task `name` for good (its run is aborted and it is not restarted; the others go on)
   * and waits up to `timeoutMs` (real time, default 5,000) for its run to end. Returns whether
   * it ended; false also when no task has that name.
   */
  async stopTask(name: string, timeoutMs = 5_000): Promise<boolean> {
    const slot = this.#slots.get(name);
    if (slot === undefined) return false;
    slot.halt.abort();
    slot.run.abort();
    slot.grace?.abort();
    slot.grace = undefined;
    let ended = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      (slot.loop ?? Promise.resolve()).then(() => ended = true),
      new Promise<void>((resolve) => timer = setTimeout(resolve, timeoutMs)),
    ]);
    clearTimeout(timer);
    if (slot.state === "circuit-open") this.#metrics?.circuitOpen(name, false);
    this.#enter(slot, "stopped");
    if (!ended) this.#log.error("task did not end within the stop deadline", { task: name });
    return ended;
  }

  /**
   * Stops every task (aborting their runs) and waits up to `timeoutMs` (real time, default
   * 5,000) for their runs to end: a shutdown must finish even when a task ignores its abort.
   * Returns which tasks ended and which were still running at the deadline.
   */
  async stop(timeoutMs = 5_000): Promise<SupervisorStopResult> {
    this.#stop.abort();
    const slots = [...this.#slots.values()];
    for (const slot of slots) {
      slot.run.abort();
      slot.grace?.abort();
    }
    const ended = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => timer = setTimeout(resolve, timeoutMs));
    await Promise.race([
      Promise.all(slots.map((slot) => slot.loop?.then(() => ended.add(slot.task.name)))),
      deadline,
    ]);
    clearTimeout(timer);
    const stuck = slots.filter((slot) => !ended.has(slot.task.name)).map((slot) => slot.task.name);
    if (stuck.length > 0) {
      this.#log.error("tasks did not end within the stop deadline", { tasks: stuck, timeoutMs });
    }
    for (const slot of slots) this.#enter(slot, "stopped");
    return {
      stopped: slots.map((slot) => slot.task.name).filter((name) => ended.has(name)),
      stuck,
    };
  }

  async #loop(slot: Slot): Promise<void> {
    const generation = slot.generation;
    const ended = AbortSignal.any([this.#stop.signal, slot.halt.signal]);
    while (!ended.aborted && !isCircuitOpen(slot) && slot.generation === generation) {
      const run = slot.run;
      const context: SupervisedTaskContext = {
        signal: run.signal,
        up: () => this.#up(slot, run),
        down: (reason) => this.#down(slot, run, reason),
      };
      let reason = "the task ended";
      slot.upThisRun = false;
      try {
        await slot.task.run(context);
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
      }
      slot.grace?.abort();
      slot.grace = undefined;
      // The run may have been aborted by the circuit opening (or a reset) while it was awaited.
      if (ended.aborted || isCircuitOpen(slot) || slot.generation !== generation) return;
      slot.lastError = reason;
      this.#settleAttempt(slot);
      if (!slot.upThisRun && this.#fail(slot)) return;
      const delayMs = this.backoffMs(slot.attempt);
      slot.attempt++;
      this.#enter(slot, "down");
      this.#log.warn("task stopped; restarting after backoff", {
        task: slot.task.name,
        reason,
        delayMs: Math.round(delayMs),
      });
      await sleepUnlessAborted(this.#sleeper, this.#clock.now() + delayMs * 1000, ended);
      if (ended.aborted || slot.generation !== generation) return;
      slot.restarts++;
      slot.run = new AbortController();
      this.#metrics?.restart(slot.task.name);
      this.#enter(slot, "starting");
    }
  }

  #up(slot: Slot, run: AbortController): void {
    if (run !== slot.run || run.signal.aborted || slot.state === "up") return;
    slot.grace?.abort();
    slot.grace = undefined;
    slot.upAt = this.#clock.now();
    slot.upThisRun = true;
    this.#enter(slot, "up");
  }

  // A task still starting may report down too: its first connection failed and it keeps
  // trying by itself, so the backoffs it spends down count as they do after an up.
  #down(slot: Slot, run: AbortController, reason: string): void {
    if (run !== slot.run || run.signal.aborted) return;
    if (slot.state !== "up" && slot.state !== "starting") return;
    slot.lastError = reason;
    this.#settleAttempt(slot);
    this.#enter(slot, "down");
    this.#log.warn("task lost its link; waiting for it to reconnect", {
      task: slot.task.name,
      reason,
    });
    const grace = new AbortController();
    slot.grace = grace;
    void this.#watchReconnect(slot, run, grace);
  }

  // Each backoff that passes while a self-reconnecting task is still down is one failed restart.
  async #watchReconnect(slot: Slot, run: AbortController, grace: AbortController): Promise<void> {
    const signal = AbortSignal.any([grace.signal, run.signal, this.#stop.signal]);
    while (!signal.aborted) {
      const delayMs = this.backoffMs(slot.attempt) + this.#allowanceMs;
      slot.attempt++;
      await sleepUnlessAborted(this.#sleeper, this.#clock.now() + delayMs * 1000, signal);
      if (signal.aborted) return;
      slot.restarts++;
      this.#metrics?.restart(slot.task.name);
      if (this.#fail(slot)) return;
    }
  }

  /** Ends the up period: a long enough one resets the backoff to the base. */
  #settleAttempt(slot: Slot): void {
    if (slot.upAt !== undefined && this.#clock.now() - slot.upAt >= this.#stableMicros) {
      slot.attempt = 0;
    }
    slot.upAt = undefined;
  }

  /** Records one failed restart; opens the circuit (and returns true) at the limit. */
  #fail(slot: Slot): boolean {
    const now = this.#clock.now();
    slot.failures = slot.failures.filter((at) => now - at < this.#windowMicros);
    slot.failures.push(now);
    if (slot.failures.length < this.#maxFailures) return false;
    this.#enter(slot, "circuit-open");
    slot.run.abort();
    slot.grace?.abort();
    slot.grace = undefined;
    const status = this.#statusOf(slot);
    const minutes = this.#windowMicros / 60_000_000;
    this.#metrics?.circuitOpen(slot.task.name, true);
    this.#log.error("circuit open: too many failed restarts; no more restarts", {
      task: slot.task.name,
      failures: slot.failures.length,
      lastError: slot.lastError,
    });
    this.#alerter?.notify({
      code: "circuit-open",
      severity: "critical",
      text: `${slot.task.name}: ${slot.failures.length} failed restarts within ${minutes} min ` +
        `(last: ${
          slot.lastError ?? "unknown"
        }); circuit open, trading is reducing-only, the process ` +
        "stays up for inspection",
      fields: { task: slot.task.name, failures: slot.failures.length, windowMinutes: minutes },
    });
    this.#onCircuitOpen(status);
    return true;
  }

  #enter(slot: Slot, state: SupervisedTaskState): void {
    if (slot.state === state) return;
    slot.state = state;
    slot.since = this.#clock.now();
  }

  #statusOf(slot: Slot): SupervisedTaskStatus {
    const now = this.#clock.now();
    const recentFailures = slot.failures.filter((at) => now - at < this.#windowMicros).length;
    const base = {
      name: slot.task.name,
      state: slot.state,
      restarts: slot.restarts,
      recentFailures,
      since: slot.since,
    };
    return slot.lastError === undefined ? base : { ...base, lastError: slot.lastError };
  }
}

function isCircuitOpen(slot: Slot): boolean {
  return slot.state === "circuit-open";
}
