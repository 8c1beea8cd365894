/**
 * Reconciliation of a live session with its venue (live.md §2): the venue's positions and
 * balances go through `TradingSession.reconcile` (the venue is the source of truth; an answer
 * that failed is never taken as flat), and its open orders are compared with the OMS's. While
 * a pass runs, and for as long as a mismatch stays open (a query failed, an order of ours the
 * OMS does not know, an order the OMS holds open that the venue does not list), the OMS is
 * halted: nothing but cancels goes out. A clean pass restores the trading state from before
 * (reducing-only if the kill switch tripped meanwhile).
 *
 * @module
 */

import type { ExecutionClient } from "../broker/mod.ts";
import type { Order, SymbolId } from "../domain/mod.ts";
import type { ReconciliationEvent } from "../events/mod.ts";
import type { TradingState } from "../execution/mod.ts";
import {
  knownReport,
  unknownReport,
  type VenueAnswer,
  type VenueBalance,
  type VenuePosition,
} from "../portfolio/mod.ts";
import type { TradingSession } from "../trader/mod.ts";

/** The account queries reconciliation needs (an {@linkcode ExecutionClient} has them). */
export type AccountQueries = Pick<ExecutionClient, "positions" | "balances" | "openOrders">;

/** One open-order difference between the venue and the OMS. */
export interface OrderDifference {
  /** The order's client id. */
  readonly clientOrderId: string;
  /** Its symbol. */
  readonly symbol: SymbolId;
  /**
   * `unknown-ours`: the venue holds an order with our prefix the OMS does not know;
   * `external`: an order with another prefix (counted as exposure, never cancelled);
   * `missing`: the OMS holds it open, the venue does not list it.
   */
  readonly kind: "unknown-ours" | "external" | "missing";
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
  /** Our client-id prefix (orders with it are ours). */
  readonly clientIdPrefix: string;
  /** The symbols the session trades (open orders are compared for these). */
  readonly symbols: readonly SymbolId[];
  /**
   * Runs `action` inside the engine (as a handler would), so what it emits is processed at
   * once; the runtime's way to act between events.
   */
  readonly inEngine: (action: () => void) => void;
}

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

  /** Runs one pass (a pass already running is joined, not doubled). */
  reconcile(reason: string): Promise<ReconciliationOutcome> {
    this.#running ??= this.#pass(reason).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(reason: string): Promise<ReconciliationOutcome> {
    const { session, account, inEngine } = this.#options;
    this.#halt();
    const [positions, balances, open] = await Promise.all([
      answer("positions", () => account.positions()),
      answer("balances", () => account.balances()),
      answer("open orders", () => account.openOrders()),
    ]);
    let event: ReconciliationEvent | undefined;
    inEngine(() => {
      event = session.reconcile(
        mapAnswer(
          positions,
          (list) =>
            list.filter((p) => session.instruments.has(p.symbol)).map((p): VenuePosition => ({
              symbol: p.symbol,
              quantity: p.quantity,
              entryPrice: p.entryPrice,
            })),
        ),
        mapAnswer(
          balances,
          (list) => list.map((b): VenueBalance => ({ currency: b.currency, total: b.total })),
        ),
      );
    });
    if (event === undefined) throw new TypeError("Reconciler: the session did not reconcile");
    const orders = open.status === "known" ? this.#compareOrders(open.value) : [];
    const unknown = [positions, balances, open].flatMap((a) =>
      a.status === "unknown" ? [a.reason] : []
    );
    const mismatch = unknown.length > 0 ||
      orders.some((o) => o.kind === "unknown-ours" || o.kind === "missing");
    if (!mismatch) this.#resume();
    this.#passes++;
    return { reason, event, orders, unknown, mismatch };
  }

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
      out.push({
        clientOrderId,
        symbol,
        kind: clientOrderId.startsWith(clientIdPrefix) ? "unknown-ours" : "external",
      });
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

function mapAnswer<T, U>(answer: VenueAnswer<T>, map: (value: T) => U): VenueAnswer<U> {
  return answer.status === "known" ? knownReport(map(answer.value)) : answer;
}
