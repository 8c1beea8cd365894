/**
 * The shared base of the execution algorithms: a parent order (a sized signal) worked through
 * child orders. The base keeps what every algorithm needs — the fills booked so far in whole
 * lots, the working children, the timers it armed (tagged so a stale one is ignored), the
 * finish — and their plain-data state, so a restarted process continues the parent without
 * sending a child twice. Algorithms see only their {@linkcode AlgoContext}: time, timers, the
 * OMS's child path and the market; never the real clock, never I/O.
 *
 * @module
 */

import type {
  AmendIntent,
  ExecutionHint,
  Fill,
  JsonValue,
  Micros,
  Order,
  OrderIntent,
  OrderStatus,
  Side,
  SymbolId,
} from "../../domain/mod.ts";
import { isTerminal } from "../../domain/mod.ts";

// A record under construction: its optional fields are set after the literal.
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The hint kinds that are execution algorithms (everything but market and limit). */
export type AlgorithmKind = Exclude<ExecutionHint["kind"], "market" | "limit">;

/** The hint of one algorithm kind. */
export type AlgorithmHint<K extends AlgorithmKind = AlgorithmKind> = Extract<
  ExecutionHint,
  { readonly kind: K }
>;

/** Every algorithm kind, in the order the docs describe them. */
export const ALGORITHM_KINDS: readonly AlgorithmKind[] = [
  "twap",
  "vwap",
  "iceberg",
  "pegged-best",
  "sniper",
  "trailing-stop",
];

/** Whether a hint is worked by an execution algorithm. */
export function isAlgorithmHint(hint: ExecutionHint): hint is AlgorithmHint {
  return hint.kind !== "market" && hint.kind !== "limit";
}

/** A parent order: what the sized signal asks for, before any child is sent. */
export interface ParentOrder {
  /** The parent's id (from the OMS's client id series, so it never repeats). */
  readonly id: string;
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Buy or sell. */
  readonly side: Side;
  /** The whole quantity, in lots of the instrument. */
  readonly lots: number;
  /** The instrument's lot size. */
  readonly lotSize: number;
  /** The instrument's tick size. */
  readonly tickSize: number;
  /** Whether every child may only reduce the position. */
  readonly reduceOnly: boolean;
  /** The algorithm and its parameters. */
  readonly hint: AlgorithmHint;
  /** When the parent started (µs). */
  readonly startTs: Micros;
  /** The market price when it started (the arrival price of the shortfall). */
  readonly arrivalPrice: number;
  /** Group id of the signal, carried by every child. */
  readonly groupId?: string;
  /** Stop-loss to place once the parent finished with a position. */
  readonly stopLoss?: number;
  /** Take-profit to place once the parent finished with a position. */
  readonly takeProfit?: number;
}

/** What an algorithm sees of the market at one event. */
export interface MarketObservation {
  /** Event time (µs). */
  readonly ts: Micros;
  /** The last price: a trade's price, a bar's close, a book's mid. */
  readonly last: number;
  /** The best bid (the last price when no book is kept). */
  readonly bid: number;
  /** The best ask (the last price when no book is kept). */
  readonly ask: number;
  /** Traded volume the event reports (a bar's volume, a trade's size; 0 for books). */
  readonly volume: number;
  /**
   * The prices the event went through in order (a bar's open, extremes and close on the candle
   * venue's OHLC path); just `[last]` for a trade or a book.
   */
  readonly path: readonly number[];
}

/** What an algorithm may do and read; the manager binds it to the session's OMS and clock. */
export interface AlgoContext {
  /** The session's time (event time in backtests). */
  now(): Micros;
  /** Asks for `onTimer(tag)` at `at` (the engine's timers). */
  setTimer(at: Micros, tag: string): void;
  /** Sends a child through the OMS (validated, risk-checked); its id, or undefined if refused. */
  submit(intent: OrderIntent): string | undefined;
  /** Cancels a working child. */
  cancel(clientOrderId: string): void;
  /** Amends a working child. */
  amend(clientOrderId: string, changes: AmendIntent): void;
  /** The current touch: best bid and ask, or the last price on both sides without a book. */
  touch(): { readonly bid: number; readonly ask: number } | undefined;
  /** Whether the venue amends orders (otherwise cancel and replace). */
  readonly canAmend: boolean;
}

/** How a parent ended; `working` while it runs. */
export type ParentStatus = "working" | "completed" | "canceled" | "expired";

/** A working child as the parent tracks it. */
export interface ChildState {
  /** Client id. */
  readonly id: string;
  /** Lots it was sent (or last amended) with. */
  lots: number;
  /** Lots filled. */
  filledLots: number;
  /** Its limit price, if any. */
  price?: number;
  /** Once the venue reported it finished: its final status (it is dropped once its fills are in). */
  final?: OrderStatus;
}

/** The plain-data state every algorithm shares (part of {@linkcode AlgorithmState}). */
export interface BaseState {
  /** The parent. */
  readonly parent: ParentOrder;
  /** Status. */
  readonly status: ParentStatus;
  /** Lots filled so far. */
  readonly filledLots: number;
  /** Sum of price × quantity of the fills (for the average price). */
  readonly notional: number;
  /** Children sent so far. */
  readonly children: number;
  /** Children refused by the OMS. */
  readonly refused: number;
  /** The working children. */
  readonly working: readonly ChildState[];
  /** The armed timers by name: time and sequence. */
  readonly timers: Readonly<Record<string, { readonly at: Micros; readonly seq: number }>>;
  /** Market volume seen while the parent ran (for the participation achieved). */
  readonly marketVolume: number;
  /** When it finished (µs). */
  readonly endTs?: Micros;
  /** Why it finished, when not completed. */
  readonly reason?: string;
}

/** An algorithm's whole state: the shared part and its own (`extra`). */
export interface AlgorithmState extends BaseState {
  /** The algorithm's own state (schedule, high-water mark, …). */
  readonly extra: JsonValue;
}

/**
 * The base class of every algorithm. Subclasses implement {@linkcode ExecutionAlgorithm.begin}
 * and react in the hooks; they send children with {@linkcode ExecutionAlgorithm.sendChild}.
 */
export abstract class ExecutionAlgorithm {
  /** The parent. */
  readonly parent: ParentOrder;
  /** The context (time, timers, children, market). */
  protected readonly ctx: AlgoContext;
  /** The working children by id. */
  protected readonly working: Map<string, ChildState> = new Map();
  #status: ParentStatus = "working";
  #filledLots = 0;
  #notional = 0;
  #children = 0;
  #refused = 0;
  #marketVolume = 0;
  #endTs: Micros | undefined;
  #reason: string | undefined;
  #timers = new Map<string, { at: Micros; seq: number }>();
  #seq = 0;

  /** An algorithm for `parent` acting through `ctx`. */
  constructor(parent: ParentOrder, ctx: AlgoContext) {
    this.parent = parent;
    this.ctx = ctx;
  }

  /** Starts work on a new parent (its first children and timers). */
  abstract begin(): void;

  /** The algorithm's own state, plain data. */
  protected abstract extraState(): JsonValue;

  /** Takes back the algorithm's own state. */
  protected abstract restoreExtra(extra: JsonValue): void;

  /** A named timer of this algorithm fell due. */
  protected onAlarm(_name: string): void {}

  /** A market event (after the volume was counted). */
  protected onObservation(_observation: MarketObservation): void {}

  /** A child finished (filled, canceled, expired, rejected); the parent is still working. */
  protected onChildDone(_child: ChildState, _status: OrderStatus): void {}

  /** Status of the parent. */
  get status(): ParentStatus {
    return this.#status;
  }

  /** Whether the parent still works. */
  get active(): boolean {
    return this.#status === "working";
  }

  /** Lots filled so far. */
  get filledLots(): number {
    return this.#filledLots;
  }

  /** Lots not yet filled. */
  get remainingLots(): number {
    return this.parent.lots - this.#filledLots;
  }

  /** Lots neither filled nor working in a child. */
  get unsentLots(): number {
    let working = 0;
    for (const child of this.working.values()) working += child.lots - child.filledLots;
    return Math.max(0, this.remainingLots - working);
  }

  /** Children sent so far. */
  get children(): number {
    return this.#children;
  }

  /** Children the OMS refused. */
  get refused(): number {
    return this.#refused;
  }

  /** Sum of price × quantity of the fills. */
  get notional(): number {
    return this.#notional;
  }

  /** Market volume seen while working. */
  get marketVolume(): number {
    return this.#marketVolume;
  }

  /** When it finished. */
  get endTs(): Micros | undefined {
    return this.#endTs;
  }

  /** Why it finished early (cancel, timeout, refusals). */
  get reason(): string | undefined {
    return this.#reason;
  }

  /** The ids of the working children. */
  workingIds(): readonly string[] {
    return [...this.working.keys()];
  }

  /** A fill of one of its children. */
  fill(fill: Fill): void {
    const child = this.working.get(fill.clientOrderId);
    const lots = Math.round(fill.quantity.toNumber() / this.parent.lotSize);
    this.#filledLots += lots;
    this.#notional += fill.price.toNumber() * fill.quantity.toNumber();
    if (child !== undefined) child.filledLots += lots;
    if (this.active && this.#filledLots >= this.parent.lots) {
      // A child still open holds nothing more to fill for this parent.
      this.#cancelOpen();
      this.finish("completed");
    }
    if (child !== undefined) this.#closeIfSettled(child);
  }

  /**
   * A report of one of its children. A finished child stays counted as working until the
   * fills its report counts are booked (a report may overtake its fills), so the unsent
   * quantity is never sent twice.
   */
  update(order: Order): void {
    const id = order.request.clientOrderId;
    const child = this.working.get(id);
    if (child === undefined || child.final !== undefined) return;
    if (order.request.price !== undefined) child.price = order.request.price.toNumber();
    const lotSize = this.parent.lotSize;
    if (!isTerminal(order.status)) {
      child.lots = Math.round(order.request.quantity.toNumber() / lotSize);
      return;
    }
    child.final = order.status;
    child.lots = Math.round(order.filledQuantity.toNumber() / lotSize);
    this.#closeIfSettled(child);
  }

  #closeIfSettled(child: ChildState): void {
    if (child.final === undefined || child.filledLots < child.lots) return;
    this.working.delete(child.id);
    if (this.active) this.onChildDone(child, child.final);
  }

  // Cancels the children still open at the venue (not those already finished or fully filled).
  #cancelOpen(): void {
    for (const child of this.working.values()) {
      if (child.final === undefined && child.filledLots < child.lots) this.ctx.cancel(child.id);
    }
  }

  /** A timer of this algorithm (`<name>:<seq>`); stale ones (re-armed since) are ignored. */
  timer(tag: string): void {
    const at = tag.lastIndexOf(":");
    const name = tag.slice(0, at);
    const armed = this.#timers.get(name);
    if (armed === undefined || String(armed.seq) !== tag.slice(at + 1)) return;
    this.#timers.delete(name);
    if (this.active) this.onAlarm(name);
  }

  /** A market event of the parent's symbol. */
  observe(observation: MarketObservation): void {
    if (!this.active) return;
    this.#marketVolume += observation.volume;
    this.onObservation(observation);
  }

  /** Cancels the parent: its working children are cancelled and no new one is sent. */
  cancel(reason: string): void {
    if (!this.active) return;
    this.#cancelOpen();
    this.finish("canceled", reason);
  }

  /** The whole state, plain data. */
  state(): AlgorithmState {
    return {
      parent: this.parent,
      status: this.#status,
      filledLots: this.#filledLots,
      notional: this.#notional,
      children: this.#children,
      refused: this.#refused,
      working: [...this.working.values()].map((c) => ({ ...c })),
      timers: Object.fromEntries(
        [...this.#timers].map(([name, t]) => [name, { at: t.at, seq: t.seq }]),
      ),
      marketVolume: this.#marketVolume,
      ...(this.#endTs === undefined ? {} : { endTs: this.#endTs }),
      ...(this.#reason === undefined ? {} : { reason: this.#reason }),
      extra: this.extraState(),
    };
  }

  /**
   * Continues from `state` in a restarted process: the working children are known again (their
   * reports and fills apply as before, and none is sent twice) and the armed timers are asked
   * for again, at once when they fell due while the process was down.
   */
  restore(state: AlgorithmState): void {
    this.#status = state.status;
    this.#filledLots = state.filledLots;
    this.#notional = state.notional;
    this.#children = state.children;
    this.#refused = state.refused;
    this.#marketVolume = state.marketVolume;
    this.#endTs = state.endTs;
    this.#reason = state.reason;
    this.working.clear();
    for (const child of state.working) this.working.set(child.id, { ...child });
    this.restoreExtra(state.extra);
    this.#timers.clear();
    let seq = 0;
    for (const t of Object.values(state.timers)) seq = Math.max(seq, t.seq);
    this.#seq = seq;
    if (!this.active) return;
    for (const [name, t] of Object.entries(state.timers)) this.arm(name, t.at);
  }

  /**
   * Sends a child of `lots` lots (capped at what is neither filled nor working); returns its
   * state, or undefined when nothing was sent (no lots, or the OMS refused it).
   */
  protected sendChild(
    lots: number,
    order: Pick<OrderIntent, "type" | "price" | "timeInForce">,
  ): ChildState | undefined {
    const quantity = Math.min(Math.floor(lots), this.unsentLots);
    if (quantity <= 0) return undefined;
    const p = this.parent;
    // Optional fields set one by one rather than spread in: every child pays this, and a spread
    // of a conditional object literal is a copy through the runtime.
    const intent: Mutable<OrderIntent> = {
      symbol: p.symbol,
      side: p.side,
      type: order.type,
      quantity: Number((quantity * p.lotSize).toPrecision(15)),
    };
    if (order.price !== undefined) intent.price = order.price;
    if (order.timeInForce !== undefined) intent.timeInForce = order.timeInForce;
    intent.reduceOnly = p.reduceOnly;
    if (p.groupId !== undefined) intent.groupId = p.groupId;
    const id = this.ctx.submit(intent);
    if (id === undefined) {
      this.#refused++;
      return undefined;
    }
    this.#children++;
    const child: ChildState = { id, lots: quantity, filledLots: 0 };
    if (order.price !== undefined) child.price = order.price;
    this.working.set(id, child);
    return child;
  }

  /** The market order type of a child: an exit works until filled, an entry takes what is there. */
  protected marketChild(): Pick<OrderIntent, "type" | "timeInForce"> {
    return { type: "market", timeInForce: this.parent.reduceOnly ? "gtc" : "ioc" };
  }

  /** Arms (or re-arms) the timer `name` for `at` (not before now). */
  protected arm(name: string, at: Micros): void {
    const due = Math.max(Math.ceil(at), this.ctx.now());
    const seq = ++this.#seq;
    this.#timers.set(name, { at: due, seq });
    this.ctx.setTimer(due, `${name}:${seq}`);
  }

  /** Forgets the timer `name` (it fires, and is ignored). */
  protected disarm(name: string): void {
    this.#timers.delete(name);
  }

  /** Ends the parent (children still working are the caller's business). */
  protected finish(status: Exclude<ParentStatus, "working">, reason?: string): void {
    if (!this.active) return;
    this.#status = status;
    this.#endTs = this.ctx.now();
    this.#reason = reason;
    this.#timers.clear();
  }

  /** Cancels the children still open (the parent goes on). */
  protected cancelOpenChildren(): void {
    this.#cancelOpen();
  }

  /** The children still open at the venue. */
  protected openChildren(): ChildState[] {
    return [...this.working.values()].filter((c) => c.final === undefined);
  }

  /** Ends the parent once nothing is working: completed when filled, else `expired`. */
  protected finishWhenIdle(reason: string): void {
    if (this.working.size > 0) return;
    if (this.remainingLots <= 0) this.finish("completed");
    else this.finish("expired", reason);
  }

  /** The price `ticks` ticks from `price` (positive: up), on the grid. */
  protected ticksFrom(price: number, ticks: number): number {
    const tick = this.parent.tickSize;
    return Number((Math.round(price / tick + ticks) * tick).toPrecision(15));
  }
}
