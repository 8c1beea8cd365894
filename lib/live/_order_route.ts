/**
 * Where the session's orders go: the paper tick venue, the paper candle venue, or the live
 * venue through its execution client's port. Every route passes the outbox (each intent is
 * durable before its request leaves); the live one also holds each request until the state
 * that made it is committed (a killed process must restart knowing every request the venue may
 * have; a paper venue dies with the process) and is timed from tick to order when asked.
 *
 * @module
 */

import { executionClientPort, type VenueInbox, type VenuePort } from "../broker/mod.ts";
import type { Instrument, Micros, SymbolId } from "../domain/mod.ts";
import type { Clock, TimeQueue } from "../engine/mod.ts";
import type { Event } from "../events/mod.ts";
import type { VenueLink } from "../trader/mod.ts";
import type { CandleVenue, TickVenue } from "../venues/mod.ts";
import { paperCandleVenue, paperTickVenue } from "./_paper_venues.ts";
import type { LiveExecution, PaperTickSettings } from "./live_execution.ts";
import type { TickToOrderTimer } from "./tick_to_order.ts";

/** What the routes are built from. */
export interface OrderRouteParts {
  /** The instruments traded. */
  readonly instruments: ReadonlyMap<SymbolId, Instrument>;
  /** The session clock. */
  readonly clock: Clock;
  /** Paper tick matching: the tick venue's settings. */
  readonly tick: PaperTickSettings | undefined;
  /** Paper tick matching: where the tick venue's reports wait until received. */
  readonly reports: TimeQueue<Event>;
  /** Candle paper: the time commands are sent at (the time of the event being handled). */
  readonly paperNow: () => Micros;
  /** Live execution: where the execution client's reports go. */
  readonly deliver: VenueInbox;
  /** Live execution, when asked for: times each order from the tick that caused it. */
  readonly tickToOrder: TickToOrderTimer | undefined;
  /**
   * Puts `port` behind the outbox; `commitFirst` (live execution) holds each request until the
   * state that made it is committed.
   */
  readonly outbox: (port: VenuePort, commitFirst: boolean) => VenuePort;
}

/** The route of a session's orders, and the paper venue at its end (see the module doc). */
export class OrderRoute {
  readonly #execution: LiveExecution;
  readonly #parts: OrderRouteParts;
  #paper: CandleVenue | undefined;
  #paperTick: TickVenue | undefined;

  /** The route of `execution`. */
  constructor(execution: LiveExecution, parts: OrderRouteParts) {
    this.#execution = execution;
    this.#parts = parts;
  }

  /** The candle paper venue, once the port is built with candle matching. */
  get paper(): CandleVenue | undefined {
    return this.#paper;
  }

  /** The tick paper venue, once the port is built with tick matching. */
  get paperTick(): TickVenue | undefined {
    return this.#paperTick;
  }

  /** The port the session sends to, building its venue on `link` (the session asks once). */
  port(link: VenueLink): VenuePort {
    const execution = this.#execution;
    const { instruments, clock, tick, reports, paperNow, deliver, tickToOrder, outbox } =
      this.#parts;
    if (tick !== undefined) {
      this.#paperTick = paperTickVenue(tick, { instruments, clock, reports });
      return outbox(this.#paperTick, false);
    }
    const port = execution.kind === "paper"
      ? (this.#paper = paperCandleVenue(execution.venue, { instruments, link, now: paperNow }))
      : executionClientPort(execution.client, deliver, { now: () => clock.now() });
    const timed = tickToOrder?.port(port) ?? port;
    return outbox(timed, execution.kind === "venue");
  }
}
