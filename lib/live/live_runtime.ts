/**
 * The live runtime: the trading core's session on the session clock (the wall clock live, a
 * manual clock in tests), fed by market streams and the execution channel through the
 * two-lane inbox and driven by {@linkcode runLive}. Paper execution is a simulated venue of
 * backtests: the candle venue fed by the live bars, or the tick matching engine fed by the live
 * books and trades on their receive times (`paper_tick_source.ts`); live execution is a venue port made
 * from a connector's execution client plus its private stream. Around the loop: restore from
 * the state store, reconciliation at the start, periodically and after every reconnect of the
 * execution channel (trading halted while a mismatch is open), the outbox (each intent
 * recorded before its request leaves), a commit per settled event when something changed, the
 * persisted kill-switch latch, and a clean stop (no new orders, optional cancels, flush).
 *
 * The class wires those pieces, each in a file of its own: the session's clocks
 * (`_session_clocks.ts`); the route of its orders (`_order_route.ts`) to the paper venues
 * (`_paper_venues.ts`) or the live one; the feed loop (`_feed_loop.ts`); the market feeds
 * (`_market_feeds.ts`); the execution events' way in (`_execution_stream.ts`, with the
 * fresh-start fence of `_pre_start_fills.ts` and the outages of `_private_outage.ts`); actions
 * inside the engine (`_engine_actions.ts`); live execution's reconciliation
 * (`_venue_reconciliation.ts`: the reconciler and its passes in `_reconciliation_rounds.ts`,
 * their log lines in `_reconciliation_log.ts`); the outbox (`_outbox_port.ts`); the commits
 * and the restore (`_live_state.ts`, the adopted orders in `_settle_adopted.ts`); the journal
 * of what the engine handles (`_session_journal.ts`, `_session_log.ts`); an operator's controls
 * (`_operator_controls.ts`); and the shutdown's cancels (`_shutdown_cancels.ts`).
 *
 * @module
 */

import type { ExecutionClient, VenuePort } from "../broker/mod.ts";
import type { Micros } from "../domain/mod.ts";
import {
  type Clock,
  type LiveRunSummary,
  runLive,
  type Sleeper,
  TimeQueue,
  WallSleeper,
} from "../engine/mod.ts";
import type { Event } from "../events/mod.ts";
import { Inbox } from "../events/mod.ts";
import { TradingSession } from "../trader/mod.ts";
import type { CandleVenue, TickVenue } from "../venues/mod.ts";
import { LiveBooks } from "./live_books.ts";
import { type LiveFeedCounts, LiveFeedSource } from "./live_source.ts";
import { PaperTickSource } from "./paper_tick_source.ts";
import { TickToOrderTimer } from "./tick_to_order.ts";
import type { Reconciler, ReconciliationOutcome } from "./reconciler.ts";
import { withOutbox } from "./_outbox_port.ts";
import { inboxSink, marketSubscriptions, pumpFeed } from "./_market_feeds.ts";
import { cancelWorkingOrders } from "./_shutdown_cancels.ts";
import { settleAdopted } from "./_settle_adopted.ts";
import { ExecutionStream } from "./_execution_stream.ts";
import { EngineActions } from "./_engine_actions.ts";
import { OperatorControls } from "./_operator_controls.ts";
import type { ReconciliationRounds } from "./_reconciliation_rounds.ts";
import { venueReconciliation } from "./_venue_reconciliation.ts";
import { type FeedLoop, feedLoop } from "./_feed_loop.ts";
import { latchedRecord, persistedState, restoreLive, StateCommits } from "./_live_state.ts";
import { sessionCosts } from "./_paper_venues.ts";
import { OrderRoute } from "./_order_route.ts";
import { sessionClocks } from "./_session_clocks.ts";
import { journalSession } from "./_session_journal.ts";
import type { PrivateChannel } from "./live_execution.ts";
import type {
  LiveLogRecord,
  LiveRuntimeOptions,
  LiveRuntimeSummary,
  LiveStatus,
} from "./live_runtime_options.ts";
import type { KillSwitchLatch } from "./state/mod.ts";

// The runner's own timer wakes are not needed when the source keeps the timeline (tick paper).
const NEVER_WAKES: Sleeper = { sleepUntil: () => new Promise<void>(() => {}) };

/** A live trading session (see the module doc). */
export class LiveRuntime {
  /** The trading session. */
  readonly session: TradingSession;
  /** The inbox the feeds and the execution channel deliver to. */
  readonly inbox: Inbox;
  /** The paper venue, in paper execution with candle matching. */
  readonly paper: CandleVenue | undefined;
  /** The paper venue, in paper execution with tick matching. */
  readonly paperTick: TickVenue | undefined;
  readonly #options: LiveRuntimeOptions;
  // The session clock: the caller's, or the receive-time clock of tick paper.
  readonly #clock: Clock;
  readonly #source: FeedLoop;
  readonly #tickToOrder: TickToOrderTimer | undefined;
  readonly #reconciler: Reconciler | undefined;
  // The passes of the reconciler (live execution).
  readonly #rounds: ReconciliationRounds | undefined;
  readonly #stop = new AbortController();
  // Assigned last in the constructor: it takes the runtime's timers after the rest subscribed.
  readonly #engineActions: EngineActions;
  readonly #log: (record: LiveLogRecord) => void;
  readonly #commits: StateCommits;
  #kill: KillSwitchLatch = { tripped: false };
  // mm: submits the restore adopted from the outbox (settled once at the start).
  #adopted: readonly string[] = [];
  #stopped = false;
  #stopRequested = false;
  // Live execution's events on their way to the inbox.
  readonly #stream: ExecutionStream;
  readonly #operator: OperatorControls;

  /**
   * Builds the session, the inbox and the venue.
   *
   * @throws {ConfigError} as `TradingSession` does (a symbol without an instrument, a strategy
   * the session cannot run), and for paper tick matching on a feed without order books.
   */
  constructor(options: LiveRuntimeOptions) {
    this.#options = options;
    this.#log = options.log ?? (() => {});
    const execution = options.orderVenue;
    this.#tickToOrder = execution.kind === "venue" && options.onTickToOrder !== undefined
      ? new TickToOrderTimer(options.onTickToOrder)
      : undefined;
    const { clock, receiveClock, tick } = sessionClocks(options);
    this.#clock = clock;
    this.#commits = new StateCommits(
      options.store,
      () =>
        persistedState(this.session, {
          strategy: options.strategy,
          savedAt: clock.now(),
          kill: this.#kill,
          outage: this.#stream.outage,
        }),
    );
    this.inbox = new Inbox({
      now: () => clock.now(),
      ...(options.marketCapacity === undefined ? {} : { marketCapacity: options.marketCapacity }),
    });
    const inbox = this.inbox;
    const reports = new TimeQueue<Event>();
    // Paper commands are sent at the time of the event being handled (see LiveFeedSource).
    let paperNow = (): Micros => clock.now();
    const route = new OrderRoute(execution, {
      instruments: new Map(options.instruments.map((i) => [i.symbol, i])),
      clock,
      tick: tick?.settings,
      reports,
      paperNow: () => paperNow(),
      deliver: (report) => this.#stream.deliver(report),
      tickToOrder: this.#tickToOrder,
      outbox: (port, commitFirst) => this.#withOutbox(port, commitFirst),
    });
    // Trades, quotes and books reach a strategy that asks for them through our books (which
    // then also mark at the mid); a candle-only strategy is marked at the closes, as in backtests.
    const wantsTicks = options.strategy.subscriptions.some((s) => s.kind !== "candles");
    this.session = new TradingSession({
      ...options,
      ...(wantsTicks ? { books: new LiveBooks() } : {}),
      clock,
      ...sessionCosts(execution, tick?.settings),
    }, (link) => route.port(link));
    this.paper = route.paper;
    this.paperTick = route.paperTick;
    this.#stream = new ExecutionStream({
      session: this.session,
      inbox,
      changed: () => this.#commits.changed(),
      log: this.#log,
    });
    // The host aggregates the data bars into the strategy's (higher) timeframes, as backtests do.
    this.session.host(options.dataInterval);
    const source = feedLoop(options, {
      session: this.session,
      inbox,
      clock,
      sleeper: this.#sleeper(),
      paper: this.paper,
      tick: tick !== undefined && this.paperTick !== undefined
        ? { venue: this.paperTick, reports, clock: tick.clock, receiveClock }
        : undefined,
      marksOnTicks: wantsTicks,
      onSettled: () => this.#commits.commit(),
    });
    this.#source = source;
    if (source instanceof LiveFeedSource) paperNow = () => source.paperNow();
    const reconciliation = venueReconciliation(options, {
      session: this.session,
      inEngine: (action) => this.inEngine(action),
      afterDelivered: (action) => this.#engineActions.afterDelivered(action),
      catchUp: () => this.#stream.catchUp(),
      fresh: () => this.#stream.fresh,
      recorded: () => this.#commits.changed(),
      log: this.#log,
    });
    this.#reconciler = reconciliation?.reconciler;
    this.#rounds = reconciliation?.rounds;
    this.#operator = new OperatorControls({
      session: this.session,
      inEngine: (action) => this.inEngine(action),
      lastReconciliation: () => this.#rounds?.last,
      log: this.#log,
    });
    this.#engineActions = new EngineActions(this.session.engine, {
      inbox,
      now: () => clock.now(),
    });
    this.#journal();
  }

  /** The feed counters. */
  get counts(): LiveFeedCounts {
    return this.#source.counts;
  }

  /**
   * Paper tick matching: the receive time the run ended at (everything received up to it was
   * handled), once it is ending; `undefined` otherwise.
   */
  get paperEndTime(): Micros | undefined {
    return this.#source instanceof PaperTickSource ? this.#source.endTime : undefined;
  }

  /** The last reconciliation pass. */
  get lastReconciliation(): ReconciliationOutcome | undefined {
    return this.#rounds?.last;
  }

  /** Whether the kill switch is latched. */
  get killSwitch(): KillSwitchLatch {
    return this.#kill;
  }

  /**
   * Runs `action` inside the engine, as a handler: what it emits (order commands, signals) is
   * processed before it returns. From a handler it runs at once.
   */
  inEngine(action: () => void): void {
    this.#engineActions.run(action);
  }

  /** Runs until the bound, the end of the feeds, or {@linkcode LiveRuntime.stop}. */
  async run(): Promise<LiveRuntimeSummary> {
    const options = this.#options;
    // Halted until the start pass (live.md §2): what the restore, the catch-up and the settling
    // of adopted orders process may wake a strategy or an algorithm (a TWAP slice due while the
    // process was down), and nothing may be sent before the venue has been compared with.
    this.#reconciler?.hold();
    this.#stream.started(this.#clock.now());
    this.#restore();
    const rounds = this.#rounds;
    let privateChannel: PrivateChannel | undefined;
    const pumps: Promise<void>[] = [];
    let reconcileLoop: Promise<void> | undefined;
    let ended: LiveRuntimeSummary["ended"] = "feeds-ended";
    let run: LiveRunSummary = { inputs: 0, aborted: false, timerWakeups: 0 };
    try {
      const execution = options.orderVenue;
      if (execution.kind === "venue") {
        const make = execution.privateChannel;
        if (make !== undefined) privateChannel = await this.#stream.open(make);
        await this.#caughtUp(execution.client);
      }
      await this.#startFeeds(pumps);
      reconcileLoop = rounds?.every(options.reconcileIntervalMs ?? 60_000, {
        sleeper: this.#sleeper(),
        now: () => this.#clock.now(),
        signal: this.#stop.signal,
      });
      this.#log({
        level: "info",
        component: "runtime",
        message: `live session started: ${this.session.reportParts().strategy} on ${
          [...this.session.instruments.keys()].join(", ")
        } (${options.orderVenue.kind} execution)`,
      });
      // The feeds all ending closes the inbox, which ends the run once drained.
      Promise.all(pumps).then(() => {
        if (!this.#stopped) this.inbox.close();
      });
      this.#engineActions.looping = true;
      const source = this.#tickToOrder?.source(this.#source) ?? this.#source;
      try {
        run = await runLive(this.session.engine, source, {
          signal: this.#stop.signal,
          // Tick paper: the source keeps the timeline and fires the timers itself, in order.
          sleeper: this.#source instanceof PaperTickSource ? NEVER_WAKES : this.#sleeper(),
        });
      } finally {
        this.#engineActions.looping = false;
      }
      ended = run.aborted || this.#stopRequested
        ? "stopped"
        : this.#boundReached()
        ? "bound"
        : "feeds-ended";
    } finally {
      await this.#shutdown(privateChannel, pumps, reconcileLoop);
    }
    if (this.#commits.failure !== undefined) throw this.#commits.failure;
    const parts = this.session.reportParts();
    return {
      run,
      feed: this.#source.counts,
      orders: parts.orders,
      fills: parts.fills,
      equity: this.#equity(),
      reconciliations: this.#reconciler?.passes ?? 0,
      killSwitch: this.#kill.tripped,
      ended,
    };
  }

  /**
   * Stops the run: no new orders from now on; the run resolves after its clean shutdown. With
   * paper tick matching the session first handles what it received until now (the frames, and
   * the timers, reports and arrivals due by then), exactly as a replay of its recording does.
   */
  stop(reason = "stop requested"): void {
    if (this.#stopped || this.#stopRequested) return;
    this.#log({ level: "info", component: "runtime", message: `stopping: ${reason}` });
    if (this.#source instanceof PaperTickSource) {
      this.#stopRequested = true;
      this.#source.stop();
      return;
    }
    this.#stopped = true;
    this.inEngine(() => this.session.oms.setTradingState("halted"));
    this.#stop.abort();
  }

  /** What an operator's `status` shows. */
  status(): LiveStatus {
    const { session } = this;
    return {
      strategy: session.reportParts().strategy,
      execution: this.#options.orderVenue.kind,
      tradingState: session.oms.tradingState,
      killSwitch: this.#kill,
      reconciliationMismatch: this.#rounds?.last?.mismatch ?? false,
      operatorHalt: this.#operator.halted,
      positions: session.portfolio.positions().filter((p) => !p.quantity.isZero()).map((p) => ({
        symbol: p.symbol,
        quantity: p.quantity.toString(),
        entryPrice: p.entryPrice.toString(),
      })),
      openOrders: session.oms.openOrders().length,
      equity: this.#equity(),
      counts: this.#source.counts,
    };
  }

  /** An operator's halt: no new orders (cancels still go out) until {@linkcode LiveRuntime.resume}. */
  halt(reason = "operator halt"): void {
    this.#operator.halt(reason);
  }

  /**
   * Ends an operator's halt.
   *
   * @throws {RangeError} while a reconciliation mismatch is open (trading stays halted until a
   * pass clears it).
   */
  resume(): void {
    this.#operator.resume();
  }

  /** Cancels working entries and closes every position (an operator's flatten). */
  flatten(): void {
    this.#operator.flatten();
  }

  /** Clears the kill switch's latch (persisted at the next commit); trading resumes. */
  clearKillSwitch(): void {
    const { session } = this;
    session.risk.clearKillSwitch();
    this.#kill = { tripped: false };
    this.#commits.changed();
    if (!this.#operator.halted && this.#rounds?.last?.mismatch !== true) {
      this.inEngine(() => session.oms.setTradingState("active"));
    }
    this.#commits.commit();
    this.#log({ level: "warn", component: "risk", message: "kill switch cleared by an operator" });
  }

  /** Reconciles now (live execution); resolves with the pass. */
  reconcileNow(reason: string): Promise<ReconciliationOutcome> | undefined {
    return this.#rounds?.pass(reason);
  }

  // Live execution, once the private stream is up: the session catches up with the venue
  // before anything is sent.
  async #caughtUp(client: ExecutionClient): Promise<void> {
    // protect: what the private stream caught up on (fills and reports from while the
    // process was down, e.g. a resting stop that closed the position) is booked before the
    // start-up reconciliation compares with the venue; else the venue's position would be
    // adopted first and the same fills booked on top of it.
    await this.#engineActions.drainExecutionLane();
    // mm: the adopted submits the catch-up did not answer are settled against the venue.
    await settleAdopted({
      session: this.session,
      adopted: this.#adopted,
      client,
      sleeper: this.#sleeper(),
      catchUp: () => this.#stream.catchUp(),
      drainExecutionLane: () => this.#engineActions.drainExecutionLane(),
      now: () => this.#options.clock.now(),
      log: this.#log,
    });
    await this.#rounds?.pass("start");
  }

  // Subscribes every feed; each delivers to the inbox through its sink or its pump.
  async #startFeeds(pumps: Promise<void>[]): Promise<void> {
    const options = this.#options;
    const subscriptions = marketSubscriptions(options.strategy.subscriptions, {
      tickMatching: this.paperTick !== undefined,
      buildCandles: options.buildCandles,
      dataInterval: options.dataInterval,
    });
    const stopped = (): boolean => this.#stopped;
    for (const feed of options.feeds) {
      feed.deliverTo?.(inboxSink(this.inbox, stopped));
      await feed.subscribe(subscriptions);
      pumps.push(pumpFeed(feed, { inbox: this.inbox, stopped, log: this.#log }));
    }
  }

  #boundReached(): boolean {
    const max = this.#options.maxEvents;
    return max !== undefined && this.#source.counts.events >= max;
  }

  #sleeper(): Sleeper {
    return this.#options.sleeper ?? new WallSleeper(this.#clock);
  }

  // Each intent is durable in the store before its request leaves (`_outbox_port.ts`).
  #withOutbox(port: VenuePort, commitFirst: boolean): VenuePort {
    const store = this.#options.store;
    if (store === undefined) return port;
    return withOutbox(port, {
      store,
      now: () => this.#clock.now(),
      commitFirst,
      commit: () => this.#commits.commitNow(),
      commitFailed: (error, held) => this.#commitFailed(error, held),
    });
  }

  #journal(): void {
    journalSession({
      session: this.session,
      store: this.#options.store,
      changed: () => this.#commits.changed(),
      onAlert: (event) => {
        if (event.code === "kill-switch" && !this.#kill.tripped) {
          this.#kill = { tripped: true, at: event.ts, reason: event.message };
          this.#commits.changed();
        }
      },
      // Private events missed while the channel was down are never replayed: reconcile once
      // it is back (its first "up" is the start, which reconciles anyway).
      onExecutionConnectivity: (event) => {
        const { changed, reconnected } = this.#stream.outage.onConnectivity(event);
        if (changed) this.#commits.changed();
        if (reconnected) void this.#rounds?.pass("reconnect");
      },
      // The venue's report of an order that is not ours, which reconciliation cancelled.
      expectedAlert: (event) =>
        event.code === "order-unknown" && event.clientOrderId !== undefined &&
        this.#reconciler?.cancelled(event.clientOrderId) === true,
      onEvent: this.#options.onEvent,
      log: this.#log,
    });
  }

  #restore(): void {
    const store = this.#options.store;
    if (store === undefined) return;
    const { session } = this;
    const { fresh, adopted, latch } = restoreLive(store, {
      session,
      strategy: this.#options.strategy,
      venue: this.#options.orderVenue.kind === "venue",
      outage: this.#stream.outage,
      now: () => this.#clock.now(),
      log: this.#log,
    });
    this.#stream.fresh = fresh;
    this.#adopted = adopted;
    if (!latch.tripped) return;
    this.#kill = latch;
    session.risk.latchKillSwitch();
    // Held by the reconciler, the latch applies when its first pass resumes trading.
    if (this.#reconciler?.halted !== true) {
      this.inEngine(() => session.oms.setTradingState("reducing-only"));
    }
    this.#log(latchedRecord(latch));
  }

  #commitFailed(error: unknown, held: number): void {
    this.#commits.fail(error);
    this.#log({
      level: "error",
      component: "store",
      message: `state commit failed: ${
        error instanceof Error ? error.message : String(error)
      }; ${held} request(s) waiting for it were not sent; stopping (a restart settles them against the venue)`,
    });
    this.stop("the state could not be committed");
  }

  #equity(): number {
    try {
      return this.session.portfolio.equity();
    } catch (error) {
      if (error instanceof RangeError) return Number.NaN;
      throw error;
    }
  }

  async #shutdown(
    privateChannel: PrivateChannel | undefined,
    pumps: readonly Promise<void>[],
    reconcileLoop: Promise<void> | undefined,
  ): Promise<void> {
    this.#stopped = true;
    this.#stop.abort();
    const { session } = this;
    this.inEngine(() => session.oms.setTradingState("halted"));
    if (this.#options.cancelOnShutdown === true) {
      await cancelWorkingOrders({
        session,
        inEngine: (action) => this.inEngine(action),
        takeWithin: (ms) => this.#source.takeWithin(ms),
        waitMs: this.#options.shutdownWaitMs ?? 3000,
        log: this.#log,
      });
    }
    await Promise.all(this.#options.feeds.map((feed) => feed.close().catch(() => {})));
    this.inbox.close();
    // A pass waiting behind events the runner will no longer take finishes now.
    this.#engineActions.runDelivered();
    await Promise.allSettled(pumps);
    await reconcileLoop;
    await privateChannel?.stop();
    // After a failed commit the store keeps its last good state, which the restart settles from.
    if (this.#commits.failure === undefined) this.#commits.commitNow();
    this.#options.store?.close();
    this.#log({ level: "info", component: "runtime", message: "live session stopped" });
  }
}
