/**
 * A simulated Bybit v5: the REST server and the public and private WebSocket streams over
 * one matching core, with Bybit's rules (client ids unique for ever, crossing post-only and
 * unfillable FOK orders accepted then cancelled, shrinking keeps the queue place).
 *
 * @module
 */

import type { ExchangeRules } from "../exchange_types.ts";
import { CONTROL_PREFIX, handleControl } from "../control.ts";
import { SimHttpServer } from "../http_server.ts";
import type { VenueContext } from "../venue_context.ts";
import { SimWsServer } from "../ws_server.ts";
import { handleBybitRest } from "./rest.ts";
import { BybitPrivateStream } from "./ws_private.ts";
import { BybitPublicStream } from "./ws_public.ts";

/** Bybit's order rules. Order ids are UUID-shaped, as Bybit's linear ids are. */
export const BYBIT_RULES: ExchangeRules = {
  clientIdScope: "all",
  postOnlyCross: "cancel",
  fokUnfilled: "cancel",
  keepQueueOnShrink: true,
  orderId: (n) => uuid(0x5157, n),
  execId: (n) => uuid(0xe8ec, n),
  maxOpenOrders: 500,
  reduceOnlyOrphans: "cancel",
};

function uuid(tag: number, n: number): string {
  const hex = n.toString(16).padStart(12, "0");
  return `${tag.toString(16).padStart(8, "0")}-0000-4000-8000-${hex}`;
}

/** The URLs and the stop of a running simulated Bybit. */
export interface RunningVenue {
  /** REST base URL. */
  readonly restUrl: string;
  /** WebSocket URLs by stream. */
  readonly wsUrls: { readonly public: string; readonly private: string; readonly market?: string };
  /** The WebSocket server (for tests that inspect connections). */
  readonly ws: SimWsServer;
  /** Stops both servers. */
  stop(): Promise<void>;
}

/** Timers of the Bybit WebSocket server. */
export interface BybitWsOptions {
  /** A connection that sends nothing (no ping) for this long is closed (default 10 min). */
  readonly idleTimeoutMs?: number;
}

/** Starts Bybit's servers on 127.0.0.1 (port 0 picks free ports). */
export async function startBybit(
  context: VenueContext,
  ports: { readonly rest: number; readonly ws: number },
  options: BybitWsOptions = {},
): Promise<RunningVenue> {
  const idle = options.idleTimeoutMs ?? 600_000;
  const publicStream = new BybitPublicStream(context);
  const privateStream = new BybitPrivateStream(context);
  const http = SimHttpServer.start(
    ports.rest,
    (request, server) =>
      new URL(request.url).pathname.startsWith(CONTROL_PREFIX)
        ? handleControl(context, request)
        : handleBybitRest(context, request, server),
  );
  const ws = await SimWsServer.start(ports.ws, {
    streamOf: (path) =>
      path === "/v5/public/linear" ? "public" : path === "/v5/private" ? "private" : undefined,
    onConnection: (socket) => {
      let timer = setTimeout(expire, idle);
      function expire(): void {
        context.faults.record("ws-close", socket.name, `idle for ${idle} ms`);
        socket.close(1000, "idle timeout");
      }
      socket.onMessage(() => {
        clearTimeout(timer);
        timer = setTimeout(expire, idle);
      });
      socket.onClose(() => clearTimeout(timer));
      if (socket.stream === "public") publicStream.attach(socket);
      else privateStream.attach(socket);
    },
  }, context.faults);
  const wsBase = `ws://127.0.0.1:${ws.port}`;
  return {
    restUrl: `http://127.0.0.1:${http.port}`,
    wsUrls: { public: `${wsBase}/v5/public/linear`, private: `${wsBase}/v5/private` },
    ws,
    stop: async () => {
      await ws.stop();
      await http.stop();
    },
  };
}
