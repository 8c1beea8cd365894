/**
 * Tick-to-order timing of a live session (issue 16, `tesser_tick_to_order_seconds`): from the
 * moment the runtime's loop takes a market event (trade, quote, book, candle) off its inbox to
 * each order request that event's handling hands to the venue's client — a request held until
 * the state that made it is committed counts when it leaves, after that commit. Orders sent by
 * a timer (an algorithm's later slices), a fill or a reconciliation answer no market event and
 * are not counted. Times are `performance.now()` differences, not the events' millisecond
 * receive stamps; what happens before the take (the frame's parse, the inbox) and after the
 * hand-off (signing, the rate limiter, the socket write) is outside it: bench/live_latency.ts
 * measures from the frame to the written request.
 *
 * @module
 */

import type { VenuePort } from "../broker/mod.ts";
import type { LiveSource } from "../engine/mod.ts";
import type { Event } from "../events/mod.ts";

/** Times order requests against the market event whose handling sent them. */
export class TickToOrderTimer {
  readonly #observe: (micros: number) => void;
  // When the market event being handled was taken; undefined while another kind is handled.
  #takenAt: number | undefined;

  /** A timer reporting each sample, in µs, to `observe`. */
  constructor(observe: (micros: number) => void) {
    this.#observe = observe;
  }

  /**
   * `source`, with the take of each market event marked. The mark ends in the microtask after
   * the next take is asked for: the loop asks for it as soon as the event's handlers returned,
   * and the requests they held leave in a microtask queued before (the commit-first outbox).
   */
  source(source: LiveSource): LiveSource {
    const take = (): Promise<Event | undefined> => {
      queueMicrotask(() => this.#takenAt = undefined);
      const taking = source.take();
      // A reaction of its own, registered before the runner's, runs first: the runner waits on
      // the source's promise itself, with no promise (and no microtask) put in between.
      taking.then((event) => {
        this.#takenAt = event !== undefined && isMarketEvent(event) ? performance.now() : undefined;
      }, () => {});
      return taking;
    };
    const close = source.close;
    return close === undefined ? { take } : { take, close: () => close.call(source) };
  }

  /** `port`, with each submit it passes on while a market event is handled timed. */
  port(port: VenuePort): VenuePort {
    return {
      venue: port.venue,
      ...(port.capabilities === undefined ? {} : { capabilities: port.capabilities }),
      send: (command) => {
        port.send(command);
        const takenAt = this.#takenAt;
        if (command.type === "submit" && takenAt !== undefined) {
          this.#observe((performance.now() - takenAt) * 1000);
        }
      },
    };
  }
}

function isMarketEvent(event: Event): boolean {
  switch (event.kind) {
    case "trade":
    case "quote":
    case "book-snapshot":
    case "book-delta":
    case "candle":
      return true;
    default:
      return false;
  }
}
