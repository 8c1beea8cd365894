/**
 * A fake BitMEX realtime endpoint on 127.0.0.1: welcome on connect, an ack and a partial per
 * subscribed topic (the partial from the test's current book), `pong` to `ping` unless told to
 * stay silent, and pushes from the test to every open socket.
 */

export interface FakeBitmex {
  /** ws://127.0.0.1:port/realtime */
  readonly url: string;
  /** Every text the clients sent, in order. */
  readonly received: string[];
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** Sends `message` (JSON-encoded unless a string) to every open socket. */
  push(message: unknown): void;
  /** The book rows the next partial of `orderBookL2:XBTUSD` holds. */
  book: Record<string, unknown>[];
  /** Whether `ping` is answered. */
  answerPings: boolean;
  /** Drops every connection abruptly. */
  drop(): void;
  /** Stops the server. */
  stop(): Promise<void>;
}

/** Starts the fake endpoint. */
export function startFakeBitmex(): FakeBitmex {
  const sockets = new Set<WebSocket>();
  let connections = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onopen = () => {
      connections++;
      sockets.add(socket);
      socket.send(
        JSON.stringify({ info: "Welcome to the BitMEX Realtime API.", limit: { remaining: 38 } }),
      );
    };
    socket.onclose = () => sockets.delete(socket);
    socket.onmessage = (event) => {
      const text = String(event.data);
      fake.received.push(text);
      if (text === "ping") {
        if (fake.answerPings) socket.send("pong");
        return;
      }
      const request = JSON.parse(text) as { op: string; args: string[] };
      if (request.op !== "subscribe") return;
      for (const topic of request.args) {
        socket.send(JSON.stringify({ success: true, subscribe: topic, request }));
        const [table, code] = topic.split(":");
        if (table.startsWith("orderBookL2")) {
          socket.send(JSON.stringify({
            table,
            action: "partial",
            keys: ["symbol", "id", "side"],
            filter: { symbol: code },
            data: fake.book,
          }));
        } else if (table === "instrument") {
          socket.send(JSON.stringify({
            table,
            action: "partial",
            data: [{
              symbol: code,
              markPrice: 50000,
              fundingRate: 0.0001,
              fundingTimestamp: "2026-06-01T12:00:00.000Z",
              timestamp: "2026-06-01T11:59:00.000Z",
            }],
          }));
        }
      }
    };
    return response;
  });
  const address = server.addr as Deno.NetAddr;
  const fake: FakeBitmex = {
    url: `ws://127.0.0.1:${address.port}/realtime`,
    received: [],
    connections: () => connections,
    book: [],
    answerPings: true,
    push(message) {
      const text = typeof message === "string" ? message : JSON.stringify(message);
      for (const socket of sockets) if (socket.readyState === WebSocket.OPEN) socket.send(text);
    },
    drop() {
      for (const socket of sockets) socket.close(4001, "dropped");
    },
    stop: async () => {
      fake.drop();
      await server.shutdown();
    },
  };
  return fake;
}
