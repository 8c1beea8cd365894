/**
 * The execution algorithms of one session: the OMS hands it each signal whose hint is an
 * algorithm as a parent order; it runs the algorithm, routes the children's reports and fills,
 * its timers and the market events to it, links every child to its parent for the reports,
 * and keeps the whole state as plain data (`snapshot()`/`restore()`) so a restarted process
 * continues every parent without sending a child twice.
 *
 * @module
 */

import type {
  AmendIntent,
  Fill,
  Instrument,
  JsonValue,
  Micros,
  Order,
  OrderIntent,
  SymbolId,
} from "../../domain/mod.ts";
import type {
  AlgoContext,
  AlgorithmHint,
  AlgorithmState,
  ExecutionAlgorithm,
  MarketObservation,
  ParentOrder,
} from "./algorithm.ts";
import { type ExecutionQuality, executionQuality } from "./execution_quality.ts";
import { Iceberg } from "./iceberg.ts";
import { PeggedBest } from "./pegged_best.ts";
import { Sniper } from "./sniper.ts";
import { TrailingStop } from "./trailing_stop.ts";
import { Twap } from "./twap.ts";
import { Vwap } from "./vwap.ts";

/** The `owner` of the timer events the session schedules for the algorithms. */
export const ALGORITHM_TIMER_OWNER = "@algo";

const MINUTE = 60_000_000;
/** Finished parents a snapshot keeps (the newest), besides every working one. */
export const SNAPSHOT_FINISHED = 100;
const MINUTES_PER_DAY = 1440;

/** What the algorithms need of the session. */
export interface ExecutionAlgorithmsOptions {
  /** The session's time. */
  now(): Micros;
  /** Schedules a timer event (owner {@linkcode ALGORITHM_TIMER_OWNER}) with `tag`. */
  setTimer(at: Micros, tag: string): void;
  /** The OMS's child path: validated, risk-checked; the child's id or undefined when refused. */
  submit(intent: OrderIntent): string | undefined;
  /** Cancels a working order. */
  cancel(symbol: SymbolId, clientOrderId: string): void;
  /** Amends a working order. */
  amend(symbol: SymbolId, clientOrderId: string, changes: AmendIntent): void;
  /** The best bid and ask of `symbol` (undefined without a book: the last price is used). */
  touch?(symbol: SymbolId): { readonly bid: number; readonly ask: number } | undefined;
  /** The last price of `symbol` (NaN when none). */
  lastPrice(symbol: SymbolId): number;
  /** Whether the venue amends orders. */
  readonly canAmend: boolean;
  /** Called once per parent when it finishes (brackets, logs). */
  onFinished?(algorithm: ExecutionAlgorithm): void;
}

/** A parent as the OMS hands it over (sized, validated, risk-checked as a whole). */
export type ParentRequest = Omit<ParentOrder, "lotSize" | "tickSize" | "startTs" | "arrivalPrice">;

/** The algorithms' state as plain data. */
export interface AlgorithmsSnapshot {
  /** Format version (1). */
  readonly version: 1;
  /** Every parent still working, and the finished ones whose quality the report lists. */
  readonly parents: readonly AlgorithmState[];
  /** Volume seen per symbol per minute of the day (the VWAP profile from history). */
  readonly profiles: Readonly<Record<string, readonly number[]>>;
}

/**
 * What is wrong with `hint` for `instrument`, in words, or undefined when it can be worked.
 */
export function hintProblem(hint: AlgorithmHint, instrument: Instrument): string | undefined {
  const lot = instrument.lotSize.toNumber();
  const positive = (v: number | undefined): boolean =>
    v === undefined || (Number.isFinite(v) && v > 0);
  switch (hint.kind) {
    case "twap":
      if (!positive(hint.durationSecs)) {
        return `durationSecs must be positive, got ${hint.durationSecs}`;
      }
      if (!Number.isInteger(hint.slices) || hint.slices < 1 || hint.slices > 100_000) {
        return `slices must be a whole number from 1 to 100000, got ${hint.slices}`;
      }
      if (hint.randomize !== undefined && !(hint.randomize >= 0 && hint.randomize <= 1)) {
        return `randomize must be in [0, 1], got ${hint.randomize}`;
      }
      return positive(hint.price) ? undefined : `price must be positive, got ${hint.price}`;
    case "vwap":
      if (!positive(hint.durationSecs)) {
        return `durationSecs must be positive, got ${hint.durationSecs}`;
      }
      if (!(hint.participation > 0 && hint.participation <= 1)) {
        return `participation must be in (0, 1], got ${hint.participation}`;
      }
      if (!positive(hint.bucketSecs)) return `bucketSecs must be positive, got ${hint.bucketSecs}`;
      if (hint.profile !== undefined && hint.profile.some((w) => !(Number.isFinite(w) && w >= 0))) {
        return "profile weights must be finite and not negative";
      }
      return undefined;
    case "iceberg":
      if (!positive(hint.price)) return `price must be positive, got ${hint.price}`;
      return hint.displayQuantity >= lot
        ? undefined
        : `displayQuantity ${hint.displayQuantity} is below the lot size ${lot}`;
    case "pegged-best":
      if (!Number.isInteger(hint.offsetTicks) || hint.offsetTicks < 0) {
        return `offsetTicks must be a whole number of ticks, 0 or more, got ${hint.offsetTicks}`;
      }
      if (!positive(hint.refreshSecs)) {
        return `refreshSecs must be positive, got ${hint.refreshSecs}`;
      }
      if (hint.clipSize !== undefined && !(hint.clipSize >= lot)) {
        return `clipSize ${hint.clipSize} is below the lot size ${lot}`;
      }
      return hint.minChaseDistance === undefined || hint.minChaseDistance >= 0
        ? undefined
        : `minChaseDistance must be 0 or more, got ${hint.minChaseDistance}`;
    case "sniper":
      if (!positive(hint.price)) return `price must be positive, got ${hint.price}`;
      return positive(hint.timeoutSecs)
        ? undefined
        : `timeoutSecs must be positive, got ${hint.timeoutSecs}`;
    case "trailing-stop":
      if (!(hint.callbackRate > 0 && hint.callbackRate < 100)) {
        return `callbackRate must be a percentage in (0, 100), got ${hint.callbackRate}`;
      }
      return positive(hint.activationPrice)
        ? undefined
        : `activationPrice must be positive, got ${hint.activationPrice}`;
    default: {
      const unknown: never = hint;
      throw new TypeError(`Unknown algorithm hint ${JSON.stringify(unknown)}`);
    }
  }
}

/** The session's execution algorithms. */
export class ExecutionAlgorithms {
  readonly #options: ExecutionAlgorithmsOptions;
  readonly #instruments: ReadonlyMap<SymbolId, Instrument>;
  readonly #parents = new Map<string, ExecutionAlgorithm>();
  readonly #active = new Map<string, ExecutionAlgorithm>();
  readonly #bySymbol = new Map<SymbolId, Set<ExecutionAlgorithm>>();
  readonly #childParent = new Map<string, string>();
  readonly #profiles = new Map<SymbolId, Float64Array>();
  readonly #keepProfiles: boolean;

  /**
   * Algorithms over `instruments`; `keepProfiles` records the volume by time of day for
   * VWAP's profile (only worth its cost when a strategy may ask for VWAP).
   */
  constructor(
    options: ExecutionAlgorithmsOptions,
    instruments: ReadonlyMap<SymbolId, Instrument>,
    keepProfiles: boolean,
  ) {
    this.#options = options;
    this.#instruments = instruments;
    this.#keepProfiles = keepProfiles;
  }

  /** Whether any parent is working (market events are only routed then). */
  get working(): boolean {
    return this.#active.size > 0;
  }

  /** Whether any parent was ever started (the reports then carry parent ids). */
  get used(): boolean {
    return this.#parents.size > 0;
  }

  /** Starts a parent; the instrument must exist and the hint be checked by {@linkcode hintProblem}. */
  start(request: ParentRequest): ExecutionAlgorithm {
    const instrument = this.#instruments.get(request.symbol);
    if (instrument === undefined) throw new RangeError(`no instrument for ${request.symbol}`);
    const parent: ParentOrder = {
      ...request,
      lotSize: instrument.lotSize.toNumber(),
      tickSize: instrument.tickSize.toNumber(),
      startTs: this.#options.now(),
      arrivalPrice: this.#options.lastPrice(request.symbol),
    };
    const algorithm = this.#make(parent);
    this.#add(algorithm);
    algorithm.begin();
    this.#settle(algorithm);
    return algorithm;
  }

  /** The parent of a child order, if it is one. */
  parentOf(clientOrderId: string): string | undefined {
    return this.#childParent.get(clientOrderId);
  }

  /** Every parent started, working or finished. */
  parents(): readonly ExecutionAlgorithm[] {
    return [...this.#parents.values()];
  }

  /** A parent by id. */
  parent(id: string): ExecutionAlgorithm | undefined {
    return this.#parents.get(id);
  }

  /** Signed quantity of the working parents of `symbol` not yet filled nor working in a child. */
  unsent(symbol: SymbolId): number {
    const set = this.#bySymbol.get(symbol);
    if (set === undefined) return 0;
    let total = 0;
    for (const a of set) {
      const quantity = a.unsentLots * a.parent.lotSize;
      total += a.parent.side === "buy" ? quantity : -quantity;
    }
    return total;
  }

  /**
   * Cancels every working parent of `symbol` (a new signal replaces them); with
   * `keepReduceOnly`, not those that only reduce the position (an exit being worked).
   */
  cancelSymbol(symbol: SymbolId, reason: string, keepReduceOnly = false): void {
    const set = this.#bySymbol.get(symbol);
    if (set === undefined) return;
    for (const a of [...set]) {
      if (keepReduceOnly && a.parent.reduceOnly) continue;
      a.cancel(reason);
      this.#settle(a);
    }
  }

  /** Cancels one parent. */
  cancelParent(id: string, reason: string): void {
    const a = this.#active.get(id);
    if (a === undefined) return;
    a.cancel(reason);
    this.#settle(a);
  }

  /** A report of an order (only children concern the algorithms). */
  onOrderUpdate(order: Order): void {
    const a = this.#ofChild(order.request.clientOrderId);
    if (a === undefined) return;
    a.update(order);
    this.#settle(a);
  }

  /** A booked fill (only children concern the algorithms). */
  onFill(fill: Fill): void {
    const a = this.#ofChild(fill.clientOrderId);
    if (a === undefined) return;
    a.fill(fill);
    this.#settle(a);
  }

  /** A timer of owner {@linkcode ALGORITHM_TIMER_OWNER}: `<parentId>|<name>:<seq>`. */
  onTimer(tag: string): void {
    const bar = tag.indexOf("|");
    const a = this.#active.get(tag.slice(0, bar));
    if (a === undefined) return;
    a.timer(tag.slice(bar + 1));
    this.#settle(a);
  }

  /** A market event of `symbol`. */
  observe(symbol: SymbolId, observation: MarketObservation): void {
    if (this.#keepProfiles && observation.volume > 0) this.#record(symbol, observation);
    const set = this.#bySymbol.get(symbol);
    if (set === undefined || set.size === 0) return;
    for (const a of [...set]) {
      a.observe(observation);
      this.#settle(a);
    }
  }

  /** Every parent's execution quality, in start order. */
  quality(): readonly ExecutionQuality[] {
    return [...this.#parents.values()].map((a) => executionQuality(a));
  }

  /**
   * The state as plain data (`JSON.stringify` keeps it whole): every working parent and the
   * last {@linkcode SNAPSHOT_FINISHED} finished ones (their quality figures).
   */
  snapshot(): AlgorithmsSnapshot {
    const all = [...this.#parents.values()];
    let finished = 0;
    const kept: ExecutionAlgorithm[] = [];
    for (let i = all.length - 1; i >= 0; i--) {
      if (all[i].active || finished++ < SNAPSHOT_FINISHED) kept.push(all[i]);
    }
    return {
      version: 1,
      parents: kept.reverse().map((a) => a.state()),
      profiles: Object.fromEntries([...this.#profiles].map(([s, p]) => [s, [...p]])),
    };
  }

  /**
   * Continues from a snapshot in a fresh session (with the OMS restored from the same moment):
   * reports and fills of the working children reach their parents again, timers are asked for
   * again, and no child is sent twice.
   *
   * @throws {RangeError} for another version, a symbol without instrument, or after a parent
   * was started.
   */
  restore(snapshot: AlgorithmsSnapshot): void {
    if (snapshot.version !== 1) {
      throw new RangeError(
        `algorithms snapshot version ${snapshot.version} is not supported (1 is)`,
      );
    }
    if (this.#parents.size > 0) {
      throw new RangeError("algorithms restore must come before any parent");
    }
    for (const [symbol, minutes] of Object.entries(snapshot.profiles)) {
      this.#profiles.set(symbol, Float64Array.from(minutes));
    }
    for (const state of snapshot.parents) {
      if (!this.#instruments.has(state.parent.symbol)) {
        throw new RangeError(`algorithms snapshot: no instrument for ${state.parent.symbol}`);
      }
      const a = this.#make(state.parent);
      this.#parents.set(a.parent.id, a);
      a.restore(state);
      for (const child of state.working) this.#childParent.set(child.id, a.parent.id);
      if (a.active) this.#activate(a);
    }
  }

  #make(parent: ParentOrder): ExecutionAlgorithm {
    const ctx = this.#context(parent);
    const hint = parent.hint;
    switch (hint.kind) {
      case "twap":
        return new Twap(parent, ctx);
      case "vwap":
        return new Vwap(
          parent,
          ctx,
          (start, buckets, micros) =>
            this.#historicalWeights(parent.symbol, start, buckets, micros),
        );
      case "iceberg":
        return new Iceberg(parent, ctx);
      case "pegged-best":
        return new PeggedBest(parent, ctx);
      case "sniper":
        return new Sniper(parent, ctx);
      case "trailing-stop":
        return new TrailingStop(parent, ctx);
      default: {
        const unknown: never = hint;
        throw new TypeError(`Unknown algorithm hint ${JSON.stringify(unknown)}`);
      }
    }
  }

  #context(parent: ParentOrder): AlgoContext {
    return new ParentContext(this.#options, this.#childParent, parent.id, parent.symbol);
  }

  #add(a: ExecutionAlgorithm): void {
    this.#parents.set(a.parent.id, a);
    this.#activate(a);
  }

  #activate(a: ExecutionAlgorithm): void {
    this.#active.set(a.parent.id, a);
    let set = this.#bySymbol.get(a.parent.symbol);
    if (set === undefined) this.#bySymbol.set(a.parent.symbol, set = new Set());
    set.add(a);
  }

  // A parent that finished leaves the routing tables (its children's late reports still find
  // it through the child map) and is announced once.
  #settle(a: ExecutionAlgorithm): void {
    if (a.active || !this.#active.has(a.parent.id)) return;
    this.#active.delete(a.parent.id);
    // The symbol's set stays when it empties: the next parent of the symbol reuses it.
    this.#bySymbol.get(a.parent.symbol)?.delete(a);
    this.#options.onFinished?.(a);
  }

  #ofChild(clientOrderId: string): ExecutionAlgorithm | undefined {
    const id = this.#childParent.get(clientOrderId);
    return id === undefined ? undefined : this.#parents.get(id);
  }

  #record(symbol: SymbolId, observation: MarketObservation): void {
    let minutes = this.#profiles.get(symbol);
    if (minutes === undefined) {
      this.#profiles.set(symbol, minutes = new Float64Array(MINUTES_PER_DAY));
    }
    // A bar's volume belongs to the minute it traded in, which ended at its close.
    const ts = observation.ts - 1;
    const minute = Math.floor((((ts % 86_400_000_000) + 86_400_000_000) % 86_400_000_000) / MINUTE);
    minutes[minute] += observation.volume;
  }

  #historicalWeights(symbol: SymbolId, start: Micros, buckets: number, micros: number): number[] {
    const minutes = this.#profiles.get(symbol);
    const weights: number[] = [];
    for (let b = 0; b < buckets; b++) {
      let sum = 0;
      if (minutes !== undefined) {
        const from = start + b * micros;
        for (let t = from; t < from + micros; t += MINUTE) {
          const minute = Math.floor((t % 86_400_000_000) / MINUTE);
          sum += minutes[minute];
        }
      }
      weights.push(sum);
    }
    return weights;
  }
}

/**
 * One parent's {@linkcode AlgoContext}: the session's options bound to its id and symbol. A
 * class rather than an object of closures, because every parent of a run keeps its context
 * (a long backtest starts 100,000 parents), and one object is what the collector then walks.
 */
class ParentContext implements AlgoContext {
  readonly #options: ExecutionAlgorithmsOptions;
  readonly #childParent: Map<string, string>;
  readonly #id: string;
  readonly #symbol: SymbolId;

  constructor(
    options: ExecutionAlgorithmsOptions,
    childParent: Map<string, string>,
    id: string,
    symbol: SymbolId,
  ) {
    this.#options = options;
    this.#childParent = childParent;
    this.#id = id;
    this.#symbol = symbol;
  }

  now(): Micros {
    return this.#options.now();
  }

  setTimer(at: Micros, tag: string): void {
    this.#options.setTimer(at, `${this.#id}|${tag}`);
  }

  submit(intent: OrderIntent): string | undefined {
    const child = this.#options.submit(intent);
    if (child !== undefined) this.#childParent.set(child, this.#id);
    return child;
  }

  cancel(clientOrderId: string): void {
    this.#options.cancel(this.#symbol, clientOrderId);
  }

  amend(clientOrderId: string, changes: AmendIntent): void {
    this.#options.amend(this.#symbol, clientOrderId, changes);
  }

  touch(): { readonly bid: number; readonly ask: number } | undefined {
    const o = this.#options;
    const book = o.touch?.(this.#symbol);
    if (book !== undefined && book.bid > 0 && book.ask > 0) return book;
    const last = o.lastPrice(this.#symbol);
    return last > 0 ? { bid: last, ask: last } : undefined;
  }

  get canAmend(): boolean {
    return this.#options.canAmend;
  }
}

/** A JSON-able check that `value` looks like an {@linkcode AlgorithmsSnapshot}. */
export function isAlgorithmsSnapshot(value: JsonValue | unknown): value is AlgorithmsSnapshot {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return v.version === 1 && Array.isArray(v.parents) && typeof v.profiles === "object";
}
