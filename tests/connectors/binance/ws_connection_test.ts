import assert from "node:assert/strict";
import type { StreamSocket } from "../../../lib/broker/mod.ts";
import { WsConnection } from "../../../connectors/binance/ws_connection.ts";
import { FAST, until } from "./_sim.ts";

/** A socket that opens and then stays silent (a half-open connection), recording what is sent. */
function silentSocket(urls: string[], sent: string[]): (url: string) => StreamSocket {
  return (url) => {
    urls.push(url);
    const socket: StreamSocket = {
      send: (data) => sent.push(data),
      close: () => {},
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
    };
    setTimeout(() => socket.onopen?.(new Event("open")), 1);
    return socket;
  };
}

Deno.test("WsConnection: a silent connection is probed with LIST_SUBSCRIPTIONS, then replaced with its streams in the URL", async () => {
  const urls: string[] = [];
  const sent: string[] = [];
  const downs: string[] = [];
  const ups: boolean[] = [];
  const connection = new WsConnection({
    url: "ws://127.0.0.1:9/market",
    socket: silentSocket(urls, sent),
    staleAfterMs: 40,
    backoff: FAST,
    onFrame: () => {},
    onUp: (_reason, reconnected) => ups.push(reconnected),
    onDown: (reason) => downs.push(reason),
  });
  try {
    await connection.subscribe(["btcusdt@aggTrade", "btcusdt@kline_1m"]);
    assert.deepEqual(urls, [
      "ws://127.0.0.1:9/market/stream?streams=btcusdt@aggTrade/btcusdt@kline_1m",
    ]);
    await until(() => connection.reconnects >= 1 && ups.length >= 2, "a replaced connection", 3000);
    assert.ok(
      sent.some((text) => JSON.parse(text).method === "LIST_SUBSCRIPTIONS"),
      "probed first",
    );
    assert.match(downs[0], /no frame for \d+ ms|a request was not answered/);
    assert.deepEqual(ups.slice(0, 2), [false, true]);
    // The new connection carries the streams in its URL: nothing to resubscribe.
    assert.equal(urls[1], urls[0]);
  } finally {
    connection.close();
  }
});

Deno.test("WsConnection: a refused SUBSCRIBE rejects with the venue's reason", async () => {
  const sockets: StreamSocket[] = [];
  const connection = new WsConnection({
    url: "ws://127.0.0.1:9/public",
    socket: (url) => {
      const socket = silentSocket([], [])(url);
      socket.send = (data) => {
        const { id } = JSON.parse(data) as { id: number };
        setTimeout(() =>
          socket.onmessage?.(
            new MessageEvent("message", {
              data: JSON.stringify({
                error: { code: 2, msg: "Invalid request: invalid stream name" },
                id,
              }),
            }),
          ), 1);
      };
      sockets.push(socket);
      return socket;
    },
    staleAfterMs: 10_000,
    onFrame: () => {},
    onUp: () => {},
    onDown: () => {},
  });
  try {
    await connection.subscribe(["btcusdt@bookTicker"]);
    await assert.rejects(
      () => connection.subscribe(["nope@depth"]),
      /subscription refused: Invalid request: invalid stream name \(code 2\).*lower case in stream names/,
    );
    assert.equal(sockets.length, 1);
    assert.deepEqual([...connection.streams], ["btcusdt@bookTicker"]);
  } finally {
    connection.close();
  }
});
