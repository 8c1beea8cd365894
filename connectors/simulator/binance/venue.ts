/**
 * A simulated Binance USDⓈ-M: the REST server and the split WebSocket endpoints (`/public`,
 * `/market`, `/private`) over one matching core, with Binance's rules (client ids unique
 * among open orders, crossing GTX and unfillable FOK orders refused with -5022/-5021, a
 * modify loses the queue place), the server's ping every 3 minutes, the 24-hour connection
 * lifetime (compressible), listenKey expiry and the auto-cancel countdown.
 *
 * @module
 */

import type { ExchangeRules } from "../exchange_types.ts";
import { CONTROL_PREFIX, handleControl } from "../control.ts";
import { SimHttpServer } from "../http_server.ts";
import type { VenueContext } from "../venue_context.ts";
import { SimWsServer } from "../ws_server.ts";
import type { RunningVenue } from "../bybit/venue.ts";
import { Countdowns } from "./countdown.ts";
import { ListenKeys } from "./listen_keys.ts";
import { type BanState, handleBinanceRest } from "./rest.ts";
import { BinanceMarketStreams } from "./ws_market.ts";
import { BinanceUserStreams } from "./ws_user.ts";

/** Binance's order rules. Order ids are integers. */
export const BINANCE_RULES: ExchangeRules = {
  clientIdScope: "open",
  postOnlyCross: "reject",
  fokUnfilled: "reject",
  keepQueueOnShrink: false,
  orderId: (n) => String(8_000_000_000 + n),
  execId: (n) => String(n),
  maxOpenOrders: 200,
  reduceOnlyOrphans: "keep",
  liquidationClientId: (n) => `autoclose-${n}`,
};

/** Timers of the Binance WebSocket server. */
export interface BinanceWsOptions {
  /** How long a connection lives before the server closes it (default 24 h). */
  readonly connectionLifetimeMs?: number;
  /** How often the server pings (default 3 min). */
  readonly pingIntervalMs?: number;
  /** How long the server waits for a pong after a ping before dropping the connection (default 10 min). */
  readonly pongTimeoutMs?: number;
}

/** Starts Binance's servers on 127.0.0.1 (port 0 picks free ports). */
export async function startBinance(
  context: VenueContext,
  ports: { readonly rest: number; readonly ws: number },
  options: BinanceWsOptions = {},
): Promise<RunningVenue> {
  const countdowns = new Countdowns(context);
  const listenKeys = new ListenKeys(context);
  const marketStreams = new BinanceMarketStreams(context);
  const userStreams = new BinanceUserStreams(context, listenKeys);
  const ban: BanState = { state: { countdowns, listenKeys }, bannedUntil: 0, limited: 0 };
  const unlisten = context.faults.onInject(() => {
    const fault = context.faults.takeVenueFault("listen-key-expire");
    if (fault !== undefined) {
      context.faults.record("listen-key-expire", "listenKeys", `${listenKeys.expireAll()} expired`);
    }
  });
  const unfeed = context.feed.listen(() => countdowns.check());
  const housekeeping = setInterval(() => {
    countdowns.check();
    listenKeys.check();
  }, 100);
  const lifetime = options.connectionLifetimeMs ?? 24 * 3_600_000;
  const pingEvery = options.pingIntervalMs ?? 180_000;
  const pongTimeout = options.pongTimeoutMs ?? 600_000;
  const http = SimHttpServer.start(
    ports.rest,
    (request, server) =>
      new URL(request.url).pathname.startsWith(CONTROL_PREFIX)
        ? handleControl(context, request)
        : handleBinanceRest(context, ban, request, server),
  );
  const ws = await SimWsServer.start(ports.ws, {
    streamOf: (path) => {
      if (/^\/private\/(ws(\/[^/]+)?|stream)$/.test(path)) return "private";
      if (/^\/market\/(ws(\/.*)?|stream)$/.test(path)) return "market";
      if (/^(\/public)?\/(ws(\/.*)?|stream)$/.test(path)) return "public";
      return undefined;
    },
    onConnection: (socket) => {
      // Ping on schedule; a ping left unanswered for the pong timeout drops the connection.
      let unanswered: number | undefined;
      const ping = setInterval(() => {
        const now = Date.now();
        if (
          unanswered !== undefined && socket.lastPong < unanswered &&
          now - unanswered >= pongTimeout
        ) {
          context.faults.record("ws-drop", socket.name, `no pong for ${now - unanswered} ms`);
          socket.terminate();
          return;
        }
        if (unanswered === undefined || socket.lastPong >= unanswered) unanswered = now;
        socket.ping();
      }, Math.min(pingEvery, pongTimeout));
      const end = setTimeout(() => {
        context.faults.record(
          "ws-close",
          socket.name,
          `connection lifetime ${lifetime} ms reached`,
        );
        socket.close(1000, "24h connection limit");
      }, lifetime);
      socket.onClose(() => {
        clearInterval(ping);
        clearTimeout(end);
      });
      if (socket.stream === "private") userStreams.attach(socket);
      else {marketStreams.attach(
          socket,
          socket.stream === "market" ? "market" : "public",
          socket.path,
        );}
    },
  }, context.faults);
  const wsBase = `ws://127.0.0.1:${ws.port}`;
  return {
    restUrl: `http://127.0.0.1:${http.port}`,
    wsUrls: {
      public: `${wsBase}/public`,
      private: `${wsBase}/private`,
      market: `${wsBase}/market`,
    },
    ws,
    stop: async () => {
      clearInterval(housekeeping);
      unlisten();
      unfeed();
      marketStreams.stop();
      await ws.stop();
      await http.stop();
    },
  };
}
