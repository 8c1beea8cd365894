/**
 * The execution events of a live venue on their way to the inbox: the private stream made and
 * started (catching up from where a restored session left off), its catch-up on demand, and
 * the delivery that drops what arrives after shutdown and passes over what is from before a
 * fresh start (`_pre_start_fills.ts`).
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";
import type { Event, Inbox } from "../events/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import { passOverPreStart } from "./_pre_start_fills.ts";
import { PrivateOutage } from "./_private_outage.ts";
import type { LiveExecution, PrivateChannel } from "./live_execution.ts";
import type { LiveLogRecord } from "./live_runtime_options.ts";

/** How a live venue's private stream is made (see `LiveExecution`). */
export type PrivateChannelFactory = NonNullable<
  Extract<LiveExecution, { readonly kind: "venue" }>["privateChannel"]
>;

/** What the execution stream needs from the runtime. */
export interface ExecutionStreamOptions {
  /** The session the events are for. */
  readonly session: TradingSession;
  /** The inbox they are offered to (its execution lane). */
  readonly inbox: Inbox;
  /** Called when the session remembered an event it passed over (state to commit). */
  readonly changed: () => void;
  /** Receives the log lines. */
  readonly log: (record: LiveLogRecord) => void;
}

/** A live venue's execution events (see the module doc). */
export class ExecutionStream {
  /** The private stream's outages. */
  readonly outage: PrivateOutage = new PrivateOutage();
  /** No state restored: fills from before the start are not the session's. */
  fresh = true;
  readonly #options: ExecutionStreamOptions;
  #startedAt: Micros | undefined;
  #channel: PrivateChannel | undefined;

  /** The stream of `options.session`. */
  constructor(options: ExecutionStreamOptions) {
    this.#options = options;
  }

  /** Marks the session's start (µs, our clock): the fence of a fresh start. */
  started(at: Micros): void {
    this.#startedAt = at;
  }

  /**
   * Makes the private stream delivering here and starts it; a restored session's stream
   * catches up from where the last commit (or the outage it recorded) left off.
   */
  async open(make: PrivateChannelFactory): Promise<PrivateChannel> {
    const { resumeSinceMs } = this.outage;
    const channel = make(
      (event) => this.deliver(event),
      ...(resumeSinceMs === undefined ? [] : [{ sinceMs: resumeSinceMs }]),
    );
    this.#channel = channel;
    await channel.start();
    return channel;
  }

  /** The private stream's catch-up on demand (a channel without one delivered what it has). */
  catchUp(): Promise<void> {
    return this.#channel?.catchUp?.(this.#options.session.oms.openOrders()) ?? Promise.resolve();
  }

  /**
   * Offers an execution event to the inbox. Reports that arrive after the inbox closed (a late
   * REST answer at shutdown) are dropped: the next start reconciles them from the venue.
   */
  deliver(event: Event): void {
    const { inbox, log } = this.#options;
    if (inbox.closed) {
      log({
        level: "debug",
        component: "execution",
        message: `${event.kind} after shutdown left for the next reconciliation`,
      });
      return;
    }
    const passed = passOverPreStart(event, {
      session: this.#options.session,
      venueStart: () => this.#venueStart(),
    });
    if (passed !== undefined) {
      if (passed.changed) this.#options.changed();
      log(passed.record);
      return;
    }
    inbox.offer(event);
  }

  // A fresh session's start on the venue's clock, which the times it delivers are on.
  #venueStart(): Micros | undefined {
    const startedAt = this.#startedAt;
    if (!this.fresh || startedAt === undefined) return undefined;
    return startedAt + Math.round((this.#channel?.venueOffsetMs?.() ?? 0) * 1000);
  }
}
