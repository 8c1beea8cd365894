/**
 * Binance USDⓈ-M user data on `/private`: `/private/ws?listenKey=K&events=A/B` (or
 * `/private/ws/K`) and `/private/stream?listenKey=K1&events=…&listenKey=K2…` (combined,
 * `{stream: K, data}`), pushing ORDER_TRADE_UPDATE, TRADE_LITE, ACCOUNT_UPDATE,
 * ACCOUNT_CONFIG_UPDATE and ALGO_UPDATE for the key's account, and `listenKeyExpired`
 * (then a close) when the key expires.
 *
 * @module
 */

import type { CoreEvent } from "../exchange_types.ts";
import type { SimOrder } from "../order.ts";
import type { VenueContext } from "../venue_context.ts";
import type { SimSocket } from "../ws_server.ts";
import type { ListenKeys } from "./listen_keys.ts";
import {
  accountUpdate,
  algoUpdate,
  fundingAccountUpdate,
  orderTradeUpdate,
  tradeLite,
} from "./shapes.ts";

interface Subscription {
  readonly key: string;
  readonly accountId: number;
  /** Event names to deliver; undefined means all. */
  readonly events: ReadonlySet<string> | undefined;
}

interface UserConnection {
  readonly socket: SimSocket;
  readonly combined: boolean;
  readonly subscriptions: Subscription[];
}

/** The user-data streams of one simulated Binance. */
export class BinanceUserStreams {
  readonly #context: VenueContext;
  readonly #keys: ListenKeys;
  readonly #connections = new Set<UserConnection>();
  /** Orders whose next order event is the echo of a fill already pushed as TRADE. */
  readonly #afterFill = new Set<string>();
  /** The status and amendments each order was last pushed with. */
  readonly #seen = new Map<string, { status: string; amendments: number }>();
  #lastWasFill = false;

  /** Serves the accounts behind `keys`. */
  constructor(context: VenueContext, keys: ListenKeys) {
    this.#context = context;
    this.#keys = keys;
    context.core.listen((event) => this.#publish(event));
    keys.onExpired((key) => this.#expired(key));
  }

  /** Takes a connection on `/private/...`. */
  attach(socket: SimSocket): void {
    const combined = socket.path.endsWith("/stream");
    const subscriptions: Subscription[] = [];
    const fromPath = /\/ws\/([^/]+)$/.exec(socket.path)?.[1];
    const keys = fromPath !== undefined ? [fromPath] : socket.query.getAll("listenKey");
    const events = socket.query.getAll("events");
    keys.forEach((key, i) => {
      const accountId = this.#keys.accountOf(key);
      const names = events[i];
      if (accountId !== undefined) {
        subscriptions.push({
          key,
          accountId,
          events: names === undefined || names === "" ? undefined : new Set(names.split("/")),
        });
      }
    });
    if (subscriptions.length === 0) {
      socket.close(1008, "Invalid listenKey");
      return;
    }
    const connection: UserConnection = { socket, combined, subscriptions };
    this.#connections.add(connection);
    socket.onClose(() => this.#connections.delete(connection));
  }

  #push(accountId: number, event: { readonly e: string } & Record<string, unknown>): void {
    for (const connection of this.#connections) {
      for (const subscription of connection.subscriptions) {
        if (subscription.accountId !== accountId) continue;
        if (subscription.events !== undefined && !subscription.events.has(event.e)) continue;
        connection.socket.send(
          JSON.stringify(connection.combined ? { stream: subscription.key, data: event } : event),
        );
      }
    }
  }

  #publish(event: CoreEvent): void {
    const core = this.#context.core;
    const now = this.#context.clock.now();
    switch (event.kind) {
      case "fill": {
        const order = core.findOrder(event.fill.accountId, { orderId: event.fill.orderId });
        const spec = core.instrument(event.fill.code);
        if (order === undefined || spec === undefined) return;
        this.#lastWasFill = true;
        this.#afterFill.add(order.orderId);
        this.#push(order.accountId, tradeLite(event.fill, order, spec, now) as { e: string });
        this.#push(
          order.accountId,
          orderTradeUpdate(order, spec, now, event.fill) as { e: string },
        );
        this.#remember(order);
        if (order.conditional && order.status === "filled") {
          this.#push(order.accountId, algoUpdate(order, spec, now) as { e: string });
        }
        return;
      }
      case "order": {
        const order = event.order;
        const spec = core.instrument(order.code);
        if (spec === undefined) return;
        if (this.#afterFill.delete(order.orderId)) return;
        const before = this.#seen.get(order.orderId);
        const amended = before !== undefined && before.amendments !== order.amendments;
        this.#remember(order);
        if (order.conditional) {
          this.#push(order.accountId, algoUpdate(order, spec, now) as { e: string });
          // The triggered order enters the book as a regular order.
          if (
            order.status === "untriggered" ||
            (before?.status === "untriggered" && order.status === "cancelled")
          ) return;
        }
        this.#push(
          order.accountId,
          orderTradeUpdate(order, spec, now, undefined, amended) as { e: string },
        );
        return;
      }
      case "position": {
        const wasFill = this.#lastWasFill;
        this.#lastWasFill = false;
        if (wasFill) {
          this.#push(
            event.accountId,
            accountUpdate(core, event.accountId, event.code, now, "ORDER") as { e: string },
          );
          return;
        }
        const leverage = core.account(event.accountId).position(event.code, now).leverage;
        this.#push(event.accountId, {
          e: "ACCOUNT_CONFIG_UPDATE",
          E: now,
          T: now,
          ac: { s: event.code, l: leverage.toNumber() },
        });
        return;
      }
      case "funding":
        this.#push(
          event.funding.accountId,
          fundingAccountUpdate(core, event.funding) as { e: string },
        );
        return;
      case "wallet":
        // Balance changes travel inside ACCOUNT_UPDATE with the position.
        return;
      default: {
        const never: never = event;
        throw new TypeError(`Unknown core event ${String(never)}`);
      }
    }
  }

  #remember(order: SimOrder): void {
    this.#seen.set(order.orderId, { status: order.status, amendments: order.amendments });
  }

  #expired(key: string): void {
    const now = this.#context.clock.now();
    for (const connection of [...this.#connections]) {
      const hit = connection.subscriptions.find((s) => s.key === key);
      if (hit === undefined) continue;
      const event = { e: "listenKeyExpired", E: String(now), listenKey: key };
      connection.socket.write(
        JSON.stringify(connection.combined ? { stream: key, data: event } : event),
      );
      connection.socket.close(1000, "listenKey expired");
    }
  }
}
