/**
 * Reconciliation of a live session with its venue (live.md §2): the venue's positions and
 * balances go through `TradingSession.reconcile` (the venue is the source of truth; an answer
 * that failed is never taken as flat), and its open orders are compared with the OMS's. While
 * a pass runs, and for as long as a mismatch stays open (a query failed, an order of ours the
 * OMS does not know, an order the OMS holds open that the venue does not list), the OMS is
 * halted: nothing but cancels goes out. A clean pass restores the trading state from before
 * (reducing-only if the kill switch tripped meanwhile).
 *
 * An open venue order that is not ours is handled by `unknownOrderPolicy`: `adopt` (the
 * default) puts it into the OMS (`OrderManager.adoptVenueOrder`: the strategy sees it, its
 * fills are booked against it) and leaves it at the venue; `cancel` cancels it at the venue.
 *
 * A pass is built of pieces, each in a file of its own: the answers of the venue's queries
 * (`_venue_answers.ts`); the fills still on their way, caught up before positions are adopted
 * (`_missing_fills.ts`); the comparison of open orders and the kinds of difference it finds
 * (`_open_order_comparison.ts`, `order_difference.ts`); the policy's cancels
 * (`_policy_cancels.ts`); the orders the OMS saw finish that the venue lists open, asked for by
 * client id (`_finished_listed_lookup.ts`); and the halting rule (`_reconciliation_halt.ts`).
 *
 * @module
 */

import type { ExecutionClient } from "../broker/mod.ts";
import type { Order, SymbolId } from "../domain/mod.ts";
import type { ReconciliationEvent } from "../events/mod.ts";
import { knownReport } from "../portfolio/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import { lookUpFinishedListed } from "./_finished_listed_lookup.ts";
import { adoptableAccount, positionsAgree } from "./_missing_fills.ts";
import { compareOpenOrders } from "./_open_order_comparison.ts";
import { PolicyCancels } from "./_policy_cancels.ts";
import { keepsHalted, ReconciliationHalt } from "./_reconciliation_halt.ts";
import { answer } from "./_venue_answers.ts";
import type { OrderDifference, UnknownOrderPolicy } from "./order_difference.ts";

/** The account queries reconciliation needs (an {@linkcode ExecutionClient} has them). */
export type AccountQueries = Pick<
  ExecutionClient,
  "positions" | "balances" | "openOrders" | "orderByClientId" | "cancelOrder"
>;

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

/** Reconciles a session with its venue (see the module doc). */
export class Reconciler {
  readonly #options: ReconcilerOptions;
  readonly #policy: UnknownOrderPolicy;
  readonly #halt: ReconciliationHalt;
  readonly #cancels: PolicyCancels;
  #running: Promise<ReconciliationOutcome> | undefined;
  #passes = 0;

  /** A reconciler for `options.session`. */
  constructor(options: ReconcilerOptions) {
    this.#options = options;
    this.#policy = options.unknownOrderPolicy ?? "adopt";
    this.#halt = new ReconciliationHalt(options.session, options.inEngine);
    this.#cancels = new PolicyCancels(options.account);
  }

  /** Whether trading is halted by an open mismatch (or a pass in progress). */
  get halted(): boolean {
    return this.#halt.halted;
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
    return this.#cancels.cancelled(clientOrderId);
  }

  /** Halts trading now, until a pass finds no mismatch (the start: halted until its pass). */
  hold(): void {
    this.#halt.halt();
  }

  /** Runs one pass (a pass already running is joined, not doubled). */
  reconcile(reason: string): Promise<ReconciliationOutcome> {
    this.#running ??= this.#pass(reason).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(reason: string): Promise<ReconciliationOutcome> {
    this.#halt.halt();
    const attempts = Math.max(1, this.#options.attempts ?? 3);
    for (let attempt = 1;; attempt++) {
      const outcome = await this.#attempt(reason, attempt === attempts);
      if (outcome === undefined) continue;
      if (!outcome.mismatch) this.#halt.resume();
      this.#passes++;
      return outcome;
    }
  }

  // One look at the venue; undefined when the position differs and another look may settle it.
  async #attempt(reason: string, last: boolean): Promise<ReconciliationOutcome | undefined> {
    const { session, account, inEngine, catchUp } = this.#options;
    const [positions, balances, open] = await Promise.all([
      answer("positions", () => account.positions()),
      answer("balances", () => account.balances()),
      answer("open orders", () => account.openOrders()),
    ]);
    // Asked after the answers: every fill they hold is in the history by now.
    const caughtUp = catchUp === undefined
      ? knownReport(undefined)
      : await answer("fill history (catch-up)", catchUp);
    const adoptable = adoptableAccount(session, { positions, balances, caughtUp });
    let event: ReconciliationEvent | undefined;
    let orders: readonly OrderDifference[] = [];
    let again = false;
    const afterDelivered = this.#options.afterDelivered ??
      ((action: () => void) => Promise.resolve(inEngine(action)));
    await afterDelivered(() => {
      if (!last && caughtUp.status === "known" && !positionsAgree(session, adoptable.positions)) {
        again = true;
        return;
      }
      event = session.reconcile(adoptable.positions, adoptable.balances);
      orders = open.status === "known" ? this.#compare(open.value) : [];
    });
    if (again) return undefined;
    if (event === undefined) throw new TypeError("Reconciler: the session did not reconcile");
    orders = await this.#act(orders);
    const unknown = [positions, balances, open, caughtUp].flatMap((a) =>
      a.status === "unknown" ? [a.reason] : []
    );
    const mismatch = unknown.length > 0 || orders.some(keepsHalted);
    return { reason, event, orders, unknown, mismatch };
  }

  // Inside the engine: an order the `adopt` policy takes is adopted in the same step.
  #compare(venueOrders: readonly Order[]): readonly OrderDifference[] {
    const { session, clientIdPrefix, symbols } = this.#options;
    return compareOpenOrders(venueOrders, {
      session,
      clientIdPrefix,
      symbols,
      policy: this.#policy,
    });
  }

  // What the pass does at the venue once it has compared, all at once: the cancel policy's
  // cancels, and the queries by id of orders the OMS saw finish that the venue lists open.
  async #act(orders: readonly OrderDifference[]): Promise<readonly OrderDifference[]> {
    const cancel = (difference: OrderDifference) => this.#cancels.cancel(difference);
    return await Promise.all(orders.map((difference): Promise<OrderDifference> => {
      switch (difference.kind) {
        case "missing":
          return Promise.resolve(difference);
        case "finished-listed":
          return lookUpFinishedListed(difference, {
            venue: this.#options.account,
            policy: this.#policy,
            cancel,
          });
        case "unknown-ours":
        case "external":
          return this.#policy === "cancel" && difference.action !== "untouched"
            ? cancel(difference)
            : Promise.resolve(difference);
        default: {
          const unknown: never = difference.kind;
          throw new TypeError(`Unknown order difference ${unknown}`);
        }
      }
    }));
  }
}
