/**
 * The peer of bench/live_latency_floor.ts, in a process of its own (the bench pins it with
 * `taskset`): a WebSocket that sends a trade-sized text frame every `ms` milliseconds once asked
 * (`go <count> <ms>`), and a TCP listener that reads and discards what the bench writes. It
 * prints its two ports as one JSON line and ends when its stdin closes.
 *
 * @module
 */

// A Bybit public trade frame (the size of the ones the live bench's simulator sends).
const FRAME = JSON.stringify({
  topic: "publicTrade.BTCUSDT",
  type: "snapshot",
  ts: 1_764_800_000_000,
  data: [{
    T: 1_764_800_000_000,
    s: "BTCUSDT",
    S: "Buy",
    v: "0.007",
    p: "91234.50",
    L: "PlusTick",
    i: "0b8c7f1e-2f55-4a3e-9a57-3c1d5e0f9a11",
    BT: false,
  }],
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function frames(socket: WebSocket, count: number, ms: number): Promise<void> {
  for (let i = 0; i < count && socket.readyState === WebSocket.OPEN; i++) {
    socket.send(FRAME);
    await sleep(ms);
  }
  if (socket.readyState === WebSocket.OPEN) socket.send("done");
}

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.onmessage = (event) => {
    const [word, count, ms] = String(event.data).split(" ");
    if (word === "go") void frames(socket, Number(count), Number(ms));
  };
  return response;
});

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
async function discard(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  try {
    while ((await conn.read(buffer)) !== null);
  } catch {
    // The bench closed its end.
  }
}
(async () => {
  for await (const conn of listener) void discard(conn);
})();

console.log(JSON.stringify({ ws: server.addr.port, tcp: listener.addr.port }));
// The bench is gone when its end of our stdin closes.
for await (const _ of Deno.stdin.readable);
Deno.exit(0);
