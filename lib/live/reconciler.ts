/**
 * Reconciliation of a live session with its venue (live.md §2): the venue's positions and
 * balances go through `TradingSession.reconcile` (the venue is the source of truth; an answer
 * that failed is never taken as flat), and its open orders are compared with the OMS's. While
 * a pass runs, and for as long as a mismatch stays open (a query failed, an order of ours the
 * OMS does not know, an order the OMS holds open that the venue does not list), the OMS is
 * halted: nothing but cancels goes out. A clean pass restores the trading state from before
 * (reducing-only if the kill switch tripped meanwhile).
 *
 * Fills on their way to us (live.md §2, steps 3, 5 and 7): the venue's position may already
 * hold a fill the private stream has not delivered — one that happened after the stream's
 * catch-up, or whose socket frame is slower than the REST answer. Adopting the position then
 * and booking the fill when it arrives counts it twice. So once the venue has answered, the
 * pass asks the stream to catch up from the venue's execution history (`catchUp`: every fill
 * the answer holds is in that history), and compares only after everything delivered until
 * then has been handled (`afterDelivered`); the stream's later copy of a fill is a duplicate by
 * trade id. A position that still differs may be one the market moved on since the answer: the
 * pass asks again, up to `attempts` times, and adopts the venue's only then. When the catch-up
 * fails, the positions and balances count as unknown: never adopted, trading stays halted.
 *
 * Orders of ours the OMS does not know (live.md §2, step 6): an open venue order of our client-id
 * shape that no working order of the OMS holds — a previous run whose state file was lost, an
 * intent that was never committed. Halting on it would halt on every pass, forever: it is handled
 * by the same policy as an order that is not ours (adopted, or cancelled at the venue), and the id
 * generator moves past its id first, so this process never makes that id again. Only a cancel
 * the venue refused keeps trading halted, until a pass finds it resolved.
 *
 * Orders of ours the OMS saw finish (in its memory of finished orders, `finishedOrderIds` after a
 * restart) that the venue lists open: the listing may be stale (the venue's list lags its order
 * state) or the OMS wrong. Neither policy acts on the listing alone: the pass asks the venue for
 * the order by its id. Finished there, the listing was stale and nothing is sent (a cancel would
 * only be refused); open there, it is a real mismatch: the `cancel` policy cancels it, `adopt`
 * cannot (the OMS will not take back an order it saw finish) and trading stays halted for the
 * operator. A query that fails, or finds no such order, keeps trading halted until a pass
 * settles it.
 *
 * Orders that are not ours: ours is the full client-id shape
 * `<prefix>-<epoch>-<counter>` of our prefix, so another strategy whose prefix extends ours
 * (`mm2` next to `mm`) is not mistaken for us. An open venue order that is not ours is handled by
 * `unknownOrderPolicy`: `adopt` (the default) puts it into the OMS (`OrderManager.adoptVenueOrder`:
 * the strategy sees it, its fills are booked against it) and leaves it at the venue; `cancel`
 * cancels it at the venue. A cancel the venue refuses is not remembered as done: the order is
 * still open and not ours on the next pass, which cancels it again.
 *
 * @module
 */

import type { ExecutionClient } from "../broker/mod.ts";
import { isTerminal, type Order, type SymbolId } from "../domain/mod.ts";
import type { ReconciliationEvent } from "../events/mod.ts";
import { isOurClientId, type TradingState } from "../execution/mod.ts";
import {
  knownReport,
  unknownReport,
  type VenueAnswer,
  type VenueBalance,
  type VenuePosition,
} from "../portfolio/mod.ts";
import type { TradingSession } from "../trader/mod.ts";

/** The account queries reconciliation needs (an {@linkcode ExecutionClient} has them). */
export type AccountQueries = Pick<
  ExecutionClient,
  "positions" | "balances" | "openOrders" | "orderByClientId" | "cancelOrder"
>;

/**
 * What reconciliation does with an open venue order that is not ours (`live.unknown_order_policy`):
 * `adopt` it into the OMS and leave it at the venue, or `cancel` it there.
 */
export type UnknownOrderPolicy = "cancel" | "adopt";

/**
 * What a pass did with an order the OMS does not hold open: `adopted` into the OMS, `canceled`
 * at the venue, `cancel-refused` (the venue refused or failed; the next pass sends it again),
 * `untouched` (it has no client id: it can be neither cancelled by one nor told apart in the
 * OMS; or the OMS saw it finish and the `adopt` policy cannot take it back), `stale-listing`
 * (the OMS saw it finish and so does the venue, asked by id: nothing sent), or `query-failed`
 * (the query by id failed or found no order: nothing sent).
 */
export type ExternalOrderAction =
  | "adopted"
  | "canceled"
  | "cancel-refused"
  | "untouched"
  | "stale-listing"
  | "query-failed";

/** One open-order difference between the venue and the OMS. */
export interface OrderDifference {
  /** The order's client id. */
  readonly clientOrderId: string;
  /** Its symbol. */
  readonly symbol: SymbolId;
  /**
   * `unknown-ours`: the venue holds an order of our client-id shape the OMS does not know;
   * `external`: an order that is not ours (both handled by the unknown-order policy);
   * `finished-listed`: the venue lists open an order of ours the OMS saw finish;
   * `missing`: the OMS holds it open, the venue does not list it.
   */
  readonly kind: "unknown-ours" | "external" | "finished-listed" | "missing";
  /** All but missing orders: what the pass did with it. */
  readonly action?: ExternalOrderAction;
  /** A refused cancel, a failed query, a finished order's state at the venue: why. */
  readonly reason?: string;
}

/** The outcome of one pass. */
export interface ReconciliationOutcome {
  /** Why the pass ran (`start`, `periodic`, `reconnect`, …). */
  readonly reason: string;
  /** The session's reconciliation event (positions and balances). */
  readonly event: ReconciliationEvent;
  /** Open-order differences. */
  readonly orders: readonly OrderDifference[];
  /** Queries that failed, with why. */
  readonly unknown: readonly string[];
  /** Whether a mismatch is still open (trading stays halted). */
  readonly mismatch: boolean;
}

/** Options of {@linkcode Reconciler}. */
export interface ReconcilerOptions {
  /** The session to reconcile. */
  readonly session: TradingSession;
  /** The venue's account queries. */
  readonly account: AccountQueries;
  /** Our client-id prefix (orders of the shape `<prefix>-<epoch>-<counter>` are ours). */
  readonly clientIdPrefix: string;
  /** What to do with an open venue order that is not ours (default `adopt`). */
  readonly unknownOrderPolicy?: UnknownOrderPolicy;
  /** The symbols the session trades (open orders are compared for these). */
  readonly symbols: readonly SymbolId[];
  /**
   * Runs `action` inside the engine (as a handler would), so what it emits is processed at
   * once; the runtime's way to act between events.
   */
  readonly inEngine: (action: () => void) => void;
  /**
   * Runs `action` inside the engine once every event delivered to the execution lane so far
   * has been handled (default: `inEngine`).
   */
  readonly afterDelivered?: (action: () => void) => Promise<void>;
  /**
   * Asks the private stream to deliver what the venue's history holds that it has not
   * delivered yet (fills, order updates); resolves once delivered, rejects when a query failed.
   * Without it the pass compares with what has been delivered.
   */
  readonly catchUp?: () => Promise<void>;
  /** Answers a position may differ in before it is adopted (default 3). */
  readonly attempts?: number;
}

// How many cancelled orders that were not ours are remembered (their late reports expected).
const CANCELLED_MEMORY = 1024;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function answer<T>(what: string, query: () => Promise<T>): Promise<VenueAnswer<T>> {
  try {
    return knownReport(await query());
  } catch (error) {
    return unknownReport(`${what}: ${message(error)}`);
  }
}

/** Reconciles a session with its venue (see the module doc). */
export class Reconciler {
  readonly #options: ReconcilerOptions;
  #halted = false;
  #before: TradingState = "active";
  #running: Promise<ReconciliationOutcome> | undefined;
  #passes = 0;
  // Orders that are not ours whose cancel a pass sent and the venue took (bounded, oldest out).
  readonly #cancelled = new Set<string>();

  /** A reconciler for `options.session`. */
  constructor(options: ReconcilerOptions) {
    this.#options = options;
  }

  /** Whether trading is halted by an open mismatch (or a pass in progress). */
  get halted(): boolean {
    return this.#halted;
  }

  /** Passes completed. */
  get passes(): number {
    return this.#passes;
  }

  /**
   * Whether a pass cancelled the venue order `clientOrderId` (one that was not ours) under the
   * `cancel` policy, or is cancelling it: the venue's reports of it are expected, not news.
   */
  cancelled(clientOrderId: string): boolean {
    return this.#cancelled.has(clientOrderId);
  }

  /** Halts trading now, until a pass finds no mismatch (the start: halted until its pass). */
  hold(): void {
    this.#halt();
  }

  /** Runs one pass (a pass already running is joined, not doubled). */
  reconcile(reason: string): Promise<ReconciliationOutcome> {
    this.#running ??= this.#pass(reason).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(reason: string): Promise<ReconciliationOutcome> {
    this.#halt();
    const attempts = Math.max(1, this.#options.attempts ?? 3);
    for (let attempt = 1;; attempt++) {
      const outcome = await this.#attempt(reason, attempt === attempts);
      if (outcome === undefined) continue;
      if (!outcome.mismatch) this.#resume();
      this.#passes++;
      return outcome;
    }
  }

  // One look at the venue; undefined when the position differs and another look may settle it.
  async #attempt(reason: string, last: boolean): Promise<ReconciliationOutcome | undefined> {
    const { session, account, inEngine, catchUp } = this.#options;
    const [queried, balances, open] = await Promise.all([
      answer("positions", () => account.positions()),
      answer("balances", () => account.balances()),
      answer("open orders", () => account.openOrders()),
    ]);
    // Asked after the answers: every fill they hold is in the history by now.
    const caught = catchUp === undefined
      ? knownReport(undefined)
      : await answer("fill history (catch-up)", catchUp);
    const positions = mapAnswer(
      queried,
      (list) =>
        list.filter((p) => session.instruments.has(p.symbol)).map((p): VenuePosition => ({
          symbol: p.symbol,
          quantity: p.quantity,
          entryPrice: p.entryPrice,
        })),
    );
    let event: ReconciliationEvent | undefined;
    let orders: OrderDifference[] = [];
    let again = false;
    const afterDelivered = this.#options.afterDelivered ??
      ((action: () => void) => Promise.resolve(inEngine(action)));
    await afterDelivered(() => {
      if (!last && caught.status === "known" && !this.#positionsAgree(positions)) {
        again = true;
        return;
      }
      event = session.reconcile(
        // Fills may still be on their way when the history could not be read: adopt nothing.
        caught.status === "known" ? positions : unknownReport(caught.reason),
        caught.status === "known"
          ? mapAnswer(
            balances,
            (list) => list.map((b): VenueBalance => ({ currency: b.currency, total: b.total })),
          )
          : unknownReport(caught.reason),
      );
      orders = open.status === "known" ? this.#compareOrders(open.value) : [];
    });
    if (again) return undefined;
    if (event === undefined) throw new TypeError("Reconciler: the session did not reconcile");
    orders = await this.#act(orders);
    const unknown = [queried, balances, open, caught].flatMap((a) =>
      a.status === "unknown" ? [a.reason] : []
    );
    const mismatch = unknown.length > 0 || orders.some(unresolved);
    return { reason, event, orders, unknown, mismatch };
  }

  // Whether the ledger's quantities are the venue's (an unknown answer agrees: nothing to adopt).
  #positionsAgree(positions: VenueAnswer<readonly VenuePosition[]>): boolean {
    if (positions.status !== "known") return true;
    const { session } = this.#options;
    const venue = new Map(positions.value.map((p) => [p.symbol, p.quantity]));
    for (const symbol of session.instruments.keys()) {
      const ours = session.portfolio.position(symbol).quantity;
      const theirs = venue.get(symbol);
      if (theirs === undefined ? !ours.isZero() : !ours.eq(theirs)) return false;
    }
    return true;
  }

  // What the pass does at the venue once it has compared, all at once: the cancel policy's
  // cancels, and the queries by id of orders the OMS saw finish that the venue lists open.
  async #act(orders: readonly OrderDifference[]): Promise<OrderDifference[]> {
    return await Promise.all(orders.map((difference): Promise<OrderDifference> => {
      switch (difference.kind) {
        case "missing":
          return Promise.resolve(difference);
        case "finished-listed":
          return this.#checkFinished(difference);
        case "unknown-ours":
        case "external":
          return this.#policy() === "cancel" && difference.action !== "untouched"
            ? this.#cancel(difference)
            : Promise.resolve(difference);
        default: {
          const unknown: never = difference.kind;
          throw new TypeError(`Unknown order difference ${unknown}`);
        }
      }
    }));
  }

  // A listing alone does not say an order the OMS saw finish is open: the venue's order by id
  // does. Only one it confirms open is cancelled (by the cancel policy).
  async #checkFinished(difference: OrderDifference): Promise<OrderDifference> {
    const { account } = this.#options;
    let found: Order | undefined;
    try {
      found = await account.orderByClientId(difference.symbol, difference.clientOrderId);
    } catch (error) {
      return { ...difference, action: "query-failed", reason: message(error) };
    }
    if (found === undefined) {
      return { ...difference, action: "query-failed", reason: "the venue has no order of this id" };
    }
    const state = `the venue has it ${found.status}`;
    if (isTerminal(found.status)) return { ...difference, action: "stale-listing", reason: state };
    if (this.#policy() === "cancel") return await this.#cancel(difference);
    return { ...difference, action: "untouched", reason: state };
  }

  // One cancel; a refused one stays open at the venue, so the next pass finds it again and sends
  // it again.
  async #cancel(difference: OrderDifference): Promise<OrderDifference> {
    const { account } = this.#options;
    const id = difference.clientOrderId;
    // Marked before it is sent: the venue's report may come before its answer.
    this.#cancelled.add(id);
    if (this.#cancelled.size > CANCELLED_MEMORY) {
      this.#cancelled.delete(this.#cancelled.values().next().value ?? id);
    }
    try {
      await account.cancelOrder(difference.symbol, id);
      return { ...difference, action: "canceled" };
    } catch (error) {
      this.#cancelled.delete(id);
      return { ...difference, action: "cancel-refused", reason: message(error) };
    }
  }

  #policy(): UnknownOrderPolicy {
    return this.#options.unknownOrderPolicy ?? "adopt";
  }

  // Inside the engine: an external order is adopted here, in the same step as the comparison.
  #compareOrders(venueOrders: readonly Order[]): OrderDifference[] {
    const { session, clientIdPrefix, symbols } = this.#options;
    const traded = new Set(symbols);
    const local = new Map<string, Order>();
    for (const order of session.oms.openOrders()) local.set(order.request.clientOrderId, order);
    const out: OrderDifference[] = [];
    const seen = new Set<string>();
    for (const order of venueOrders) {
      const { clientOrderId, symbol } = order.request;
      if (!traded.has(symbol)) continue;
      seen.add(clientOrderId);
      if (local.has(clientOrderId)) continue;
      const ours = isOurClientId(clientIdPrefix, clientOrderId);
      const kind = ours ? "unknown-ours" : "external";
      // Before anything else: the id is taken at the venue, whatever becomes of the order.
      if (ours) session.oms.clientIds.moveBeyond(clientOrderId);
      if (ours && session.oms.sawFinish(clientOrderId)) {
        // Asked by id once the comparison is done (outside the engine).
        out.push({ clientOrderId, symbol, kind: "finished-listed" });
      } else if (clientOrderId === "") {
        out.push({ clientOrderId, symbol, kind, action: "untouched" });
      } else if (this.#policy() === "adopt") {
        const adopted = session.oms.adoptVenueOrder(order);
        out.push({ clientOrderId, symbol, kind, action: adopted ? "adopted" : "untouched" });
      } else {
        // Cancelled once the comparison is done (outside the engine).
        out.push({ clientOrderId, symbol, kind });
      }
    }
    for (const [clientOrderId, order] of local) {
      // An order still on its way (no acknowledgement yet) is not expected at the venue, and
      // one whose cancel is in flight may be gone already (e.g. the other leg of a bracket
      // whose stop filled): the answer to the request settles either.
      if (
        order.status === "pending-new" || order.status === "pending-cancel" ||
        seen.has(clientOrderId)
      ) continue;
      out.push({ clientOrderId, symbol: order.request.symbol, kind: "missing" });
    }
    return out;
  }

  #halt(): void {
    if (this.#halted) return;
    const { session, inEngine } = this.#options;
    this.#before = session.oms.tradingState;
    this.#halted = true;
    inEngine(() => session.oms.setTradingState("halted"));
  }

  #resume(): void {
    if (!this.#halted) return;
    const { session, inEngine } = this.#options;
    this.#halted = false;
    // The kill switch may have tripped while the pass ran: it wins over the state from before.
    const state: TradingState = session.risk.liquidateOnly ? "reducing-only" : this.#before;
    inEngine(() => session.oms.setTradingState(state));
  }
}

// Whether a difference keeps trading halted: an order the OMS holds that the venue does not
// list, an order of ours the pass could neither adopt nor have cancelled, or one the OMS saw
// finish that the venue did not confirm finished (or was not cancelled).
function unresolved(order: OrderDifference): boolean {
  switch (order.kind) {
    case "missing":
      return true;
    case "unknown-ours":
      return order.action !== "adopted" && order.action !== "canceled";
    case "finished-listed":
      return order.action !== "stale-listing" && order.action !== "canceled";
    case "external":
      return false;
    default: {
      const unknown: never = order.kind;
      throw new TypeError(`Unknown order difference ${unknown}`);
    }
  }
}

function mapAnswer<T, U>(answer: VenueAnswer<T>, map: (value: T) => U): VenueAnswer<U> {
  return answer.status === "known" ? knownReport(map(answer.value)) : answer;
}
