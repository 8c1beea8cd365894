// The asynchronous test runner: the same trading session as the candle backtest, driven by
// runAsync over an async event source, with a venue that answers asynchronously. The venue's
// port defers every command (a timer of a seeded random delay, as a REST call would take) before
// the candle matching core sees it, and its reports reach the engine only through an async
// inbox the source drains. The source waits for the venue to settle before the next bar, as a
// live venue is "caught up" before the next market event in a quiet market.
import type { VenueEvent, VenueInbox, VenuePort } from "../../../lib/broker/mod.ts";
import { CandleLoop } from "../../../lib/backtest/_candle_loop.ts";
import { candleResult } from "../../../lib/backtest/_candle_result.ts";
import type {
  CandleBacktestOptions,
  CandleBacktestResult,
} from "../../../lib/backtest/candle_backtest.ts";
import { mergeCandleBatches } from "../../../lib/data/merge.ts";
import type { Micros } from "../../../lib/domain/mod.ts";
import { type Clock, runAsync, type RunInput } from "../../../lib/engine/mod.ts";
import type { OrderCommand } from "../../../lib/events/mod.ts";
import { TradingSession } from "../../../lib/trader/mod.ts";
import { CandleVenue } from "../../../lib/venues/mod.ts";

/** A venue port whose commands reach the matching core after a random delay. */
class AsyncCandlePort implements VenuePort {
  readonly venue = "async-sim";
  readonly capabilities = { amend: false };
  /** Commands sent, in order, with the time they were sent at. */
  readonly log: string[] = [];
  readonly core: CandleVenue;
  readonly #clock: Clock;
  readonly #delay: () => number;
  #pending = 0;
  #idle: (() => void)[] = [];

  constructor(
    core: (inbox: VenueInbox) => CandleVenue,
    inbox: VenueInbox,
    clock: Clock,
    delay: () => number,
  ) {
    this.core = core(inbox);
    this.#clock = clock;
    this.#delay = delay;
  }

  send(command: OrderCommand): void {
    // The command leaves now; the venue acts on it as of the time it was sent.
    const sentAt: Micros = this.#clock.now();
    this.log.push(`${command.type} at ${sentAt}`);
    this.#pending++;
    setTimeout(() => {
      switch (command.type) {
        case "submit":
          this.core.submit(command.request, sentAt);
          break;
        case "cancel":
          this.core.cancel(command.symbol, command.clientOrderId, sentAt);
          break;
        case "amend":
          this.core.send(command);
          break;
      }
      if (--this.#pending === 0) { for (const resolve of this.#idle.splice(0)) resolve(); }
    }, this.#delay());
  }

  /** Resolves once every command sent so far has reached the core. */
  settled(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}

/** Reports waiting to enter the engine. */
class AsyncInbox {
  readonly #reports: VenueEvent[] = [];
  push(report: VenueEvent): void {
    this.#reports.push(report);
  }
  take(): VenueEvent[] {
    return this.#reports.splice(0);
  }
}

/** What the asynchronous run returns besides the backtest result. */
export interface AsyncRunResult extends CandleBacktestResult {
  /** The commands the port sent, with their send times. */
  readonly sent: readonly string[];
}

/** Runs a candle backtest through runAsync with an asynchronous venue. */
export async function runCandleBacktestAsync(
  options: CandleBacktestOptions,
  seed = 1,
): Promise<AsyncRunResult> {
  let state = seed;
  // A small LCG: 0–3 ms per command, reproducible.
  const delay = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % 4;
  };
  const inbox = new AsyncInbox();
  const session = new TradingSession(options, ({ clock, portfolio }) =>
    new AsyncCandlePort(
      (report) =>
        new CandleVenue({
          ...options.venue,
          instruments: new Map(options.instruments.map((i) => [i.symbol, i])),
          positionOf: (symbol) => portfolio.position(symbol).quantity,
          liquidationPriceOf: (symbol) => portfolio.liquidationPrice(symbol),
        }, report),
      (report) => inbox.push(report),
      clock,
      delay,
    ));
  const port = session.venue;
  const loop = new CandleLoop(session, port.core, {
    funding: options.funding ?? [],
    from: options.from ?? Number.NEGATIVE_INFINITY,
    to: options.to ?? Number.POSITIVE_INFINITY,
    onProgress: undefined,
  });
  async function* inputs(): AsyncGenerator<RunInput> {
    for await (const batch of mergeCandleBatches(options.sources)) {
      yield* drive(loop.load(batch));
    }
    yield* drive(loop.tail());
  }
  async function* drive(source: CandleLoop): AsyncGenerator<RunInput> {
    while (true) {
      await port.settled();
      yield* inbox.take();
      const next = source.next();
      if (next.done === true) return;
      const input = next.value;
      // What the venue reported while walking the bar comes before the bar's close.
      yield* inbox.take();
      yield input;
    }
  }
  await runAsync(session.engine, inputs());
  await port.settled();
  return { ...candleResult(session, port.core, loop, options), sent: port.log };
}
