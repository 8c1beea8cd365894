/**
 * A typed, synchronous publish/subscribe bus. Handlers run at once, inside `publish`, in the
 * order they subscribed (kind-specific and catch-all handlers interleaved by that order);
 * a handler added or removed during a publish takes effect from the next publish.
 *
 * @module
 */

import { type Event, EVENT_KINDS, type EventKind, type EventOf } from "./event.ts";

/** A handler of one kind of event. */
export type EventHandler<E extends Event = Event> = (event: E) => void;

interface Subscription {
  readonly handler: EventHandler;
}

/** Stops a subscription; calling it twice is harmless. */
export type Unsubscribe = () => void;

/**
 * The event bus.
 *
 * @example
 * ```ts
 * import { EventBus } from "@tesser/tesser/events";
 * import assert from "node:assert/strict";
 *
 * const bus = new EventBus();
 * const messages: string[] = [];
 * const stop = bus.subscribe("alert", (alert) => messages.push(alert.message));
 * const alert = { ts: 0, tsRecv: 0, severity: "warning", code: "gap", message: "no data" } as const;
 * bus.publish({ kind: "alert", ...alert });
 * stop();
 * bus.publish({ kind: "alert", ...alert });
 * assert.deepEqual(messages, ["no data"]);
 * ```
 */
export class EventBus {
  // Per kind, the handlers in subscription order; catch-all handlers are in every list.
  // Lists are replaced, never mutated, so a publish in progress iterates a stable array.
  #byKind = new Map<EventKind, readonly Subscription[]>(EVENT_KINDS.map((kind) => [kind, []]));
  // The lists of the two kinds published last (a backtest alternates candles with the few
  // events a bar cascades into); forgotten whenever a list is replaced.
  #lastKind: EventKind | undefined;
  #lastList: readonly Subscription[] = [];
  #otherKind: EventKind | undefined;
  #otherList: readonly Subscription[] = [];

  /** Calls `handler` for every event of `kind`. */
  subscribe<K extends EventKind>(kind: K, handler: EventHandler<EventOf<K>>): Unsubscribe {
    // Sound: publish passes this handler only events whose kind is K.
    return this.#add([kind], handler as EventHandler);
  }

  /** Calls `handler` for every event. */
  subscribeAll(handler: EventHandler): Unsubscribe {
    return this.#add(EVENT_KINDS, handler);
  }

  /** Delivers `event` to its handlers in subscription order. */
  publish(event: Event): void {
    // Runs of one kind (a backtest's candles) skip the map: the last kind's list is kept.
    let subscriptions = this.#lastList;
    const kind = event.kind;
    if (kind !== this.#lastKind) {
      let list = this.#otherList;
      if (kind !== this.#otherKind) {
        const found = this.#byKind.get(kind);
        if (found === undefined) return;
        list = found;
      }
      this.#otherKind = this.#lastKind;
      this.#otherList = subscriptions;
      this.#lastKind = kind;
      this.#lastList = subscriptions = list;
    }
    for (let i = 0; i < subscriptions.length; i++) subscriptions[i].handler(event);
  }

  /** Number of handlers that receive events of `kind`. */
  handlerCount(kind: EventKind): number {
    return this.#byKind.get(kind)?.length ?? 0;
  }

  #add(kinds: readonly EventKind[], handler: EventHandler): Unsubscribe {
    // A record per subscription: the same function subscribed twice is two subscriptions,
    // removed one at a time.
    const entry: Subscription = { handler };
    for (const kind of kinds) this.#byKind.set(kind, [...(this.#byKind.get(kind) ?? []), entry]);
    this.#forget();
    return () => {
      for (const kind of kinds) {
        this.#byKind.set(kind, (this.#byKind.get(kind) ?? []).filter((h) => h !== entry));
      }
      this.#forget();
    };
  }

  #forget(): void {
    this.#lastKind = undefined;
    this.#otherKind = undefined;
  }
}
