/**
 * A scripted Bybit public WebSocket on 127.0.0.1 for the stream tests: it acknowledges
 * subscriptions, answers pings, keeps one order book per symbol and sends it as a snapshot on
 * every subscribe, then broadcasts deltas (u + 1 each) that the test makes.
 */

import { until } from "../../_until.ts";

export interface FakePublicWs {
  readonly url: string;
  /** Every text frame received, in order. */
  readonly received: string[];
  /** Connections accepted so far. */
  connections: number;
  /** The server's book of `code`: price → size strings. */
  book(code: string): { bids: Map<string, string>; asks: Map<string, string>; u: number };
  /** Applies a delta to the server book and sends it (u + 1) to subscribers. */
  delta(code: string, bids: [string, string][], asks: [string, string][]): void;
  /** Sends a raw frame to every open socket. */
  broadcast(text: string): void;
  /** Closes every open socket abnormally (the server stays up). */
  dropAll(): void;
  /** Stops answering pings and sending anything (a silent, half-open stream). */
  silence(on: boolean): void;
  /** Waits until `predicate` holds, polling (bounded). */
  until(predicate: () => boolean, what: string, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export function startFakePublicWs(depth = 50): FakePublicWs {
  const sockets = new Set<WebSocket>();
  const subscribed = new Map<WebSocket, Set<string>>();
  const books = new Map<
    string,
    { bids: Map<string, string>; asks: Map<string, string>; u: number }
  >();
  const received: string[] = [];
  let silent = false;
  const bookOf = (code: string) => {
    let book = books.get(code);
    if (book === undefined) {
      book = {
        bids: new Map([["100", "1"], ["99", "2"]]),
        asks: new Map([["101", "1"], ["102", "3"]]),
        u: 1000,
      };
      books.set(code, book);
    }
    return book;
  };
  const topicOf = (code: string): string => `orderbook.${depth}.${code}`;
  const snapshot = (code: string): string => {
    const book = bookOf(code);
    return JSON.stringify({
      topic: topicOf(code),
      type: "snapshot",
      ts: Date.now(),
      data: { s: code, b: [...book.bids], a: [...book.asks], u: book.u, seq: book.u },
      cts: Date.now(),
    });
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onopen = () => {
      sockets.add(socket);
      subscribed.set(socket, new Set());
      fake.connections++;
    };
    socket.onclose = () => {
      sockets.delete(socket);
      subscribed.delete(socket);
    };
    socket.onerror = () => {};
    socket.onmessage = (event) => {
      const text = String(event.data);
      received.push(text);
      if (silent) return;
      const message = JSON.parse(text);
      if (message.op === "ping") {
        socket.send(
          JSON.stringify({
            success: true,
            ret_msg: "pong",
            conn_id: "c",
            req_id: message.req_id,
            op: "ping",
          }),
        );
        return;
      }
      const topics = subscribed.get(socket) ?? new Set<string>();
      if (message.op === "unsubscribe") {
        for (const topic of message.args) topics.delete(topic);
      }
      if (message.op === "subscribe") { for (const topic of message.args) topics.add(topic); }
      socket.send(
        JSON.stringify({
          success: true,
          ret_msg: "",
          conn_id: "c",
          req_id: message.req_id,
          op: message.op,
        }),
      );
      if (message.op === "subscribe") {
        for (const topic of message.args as string[]) {
          if (topic.startsWith("orderbook.")) socket.send(snapshot(topic.split(".")[2]));
        }
      }
    };
    return response;
  });
  const fake: FakePublicWs = {
    url: `ws://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    received,
    connections: 0,
    book: (code) => bookOf(code),
    delta(code, bids, asks) {
      const book = bookOf(code);
      for (const [side, levels] of [[book.bids, bids], [book.asks, asks]] as const) {
        for (const [price, size] of levels) {
          if (Number(size) === 0) side.delete(price);
          else side.set(price, size);
        }
      }
      book.u++;
      const text = JSON.stringify({
        topic: topicOf(code),
        type: "delta",
        ts: Date.now(),
        data: { s: code, b: bids, a: asks, u: book.u, seq: book.u },
        cts: Date.now(),
      });
      for (const [socket, topics] of subscribed) {
        if (topics.has(topicOf(code)) && socket.readyState === WebSocket.OPEN) socket.send(text);
      }
    },
    broadcast(text) {
      for (const socket of sockets) if (socket.readyState === WebSocket.OPEN) socket.send(text);
    },
    dropAll() {
      for (const socket of sockets) socket.close(4001, "dropped by test");
    },
    silence(on) {
      silent = on;
    },
    until(predicate, what, ms = 5000) {
      return until(predicate, what, ms, 2);
    },
    async close() {
      for (const socket of sockets) socket.close();
      await server.shutdown();
    },
  };
  return fake;
}
