/**
 * Simulator benchmark (rate limits lifted): (1) Bybit REST order round trips per second — a
 * signed `POST /v5/order/create` of a resting limit order or its cancel, answered — with client and
 * simulator in one process, `--concurrency` requests in flight; (2) WebSocket messages per
 * second to one client — book deltas of `orderbook.50` published by the market feed and
 * received by a native WebSocket. Prints one line per figure:
 * `deno run -A bench/simulator_bench.ts [--orders N] [--messages N] [--concurrency N]`.
 *
 * @module
 */

import { createHmac } from "node:crypto";
import { startSimulator } from "../connectors/simulator/simulator.ts";

function flag(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
}

const ORDERS = flag("orders", 20_000);
const MESSAGES = flag("messages", 200_000);
const CONCURRENCY = flag("concurrency", 8);

async function restRoundTrips(): Promise<void> {
  const sim = await startSimulator({
    venue: "bybit",
    rateLimits: false,
    accounts: [{ apiKey: "bench", apiSecret: "bench-secret", balance: "1000000000" }],
  });
  try {
    let next = 0;
    const call = async (path: string, payload: Record<string, string>): Promise<void> => {
      const body = JSON.stringify(payload);
      const timestamp = String(Date.now());
      const sign = createHmac("sha256", "bench-secret").update(`${timestamp}bench5000${body}`)
        .digest("hex");
      const response = await fetch(`${sim.restUrl}${path}`, {
        method: "POST",
        headers: {
          "X-BAPI-API-KEY": "bench",
          "X-BAPI-TIMESTAMP": timestamp,
          "X-BAPI-RECV-WINDOW": "5000",
          "X-BAPI-SIGN": sign,
          "Content-Type": "application/json",
        },
        body,
      });
      const answer = await response.json();
      if (answer.retCode !== 0) throw new Error(`${path} refused: ${JSON.stringify(answer)}`);
    };
    // Each worker creates a resting order and cancels it (two round trips), so the open-order
    // cap (500) is never reached.
    const worker = async (): Promise<void> => {
      while (next < ORDERS) {
        const id = `b-${next}`;
        next += 2;
        const base = { category: "linear", symbol: "BTCUSDT" };
        await call("/v5/order/create", {
          ...base,
          side: "Buy",
          orderType: "Limit",
          qty: "0.001",
          price: "40000.0",
          orderLinkId: id,
        });
        await call("/v5/order/cancel", { ...base, orderLinkId: id });
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `simulator REST order round trips: ${
        Math.round(next / seconds)
      }/s (${next} creates and cancels, ${CONCURRENCY} in flight)`,
    );
  } finally {
    await sim.stop();
  }
}

async function wsMessages(): Promise<void> {
  const sim = await startSimulator({ venue: "bybit", rateLimits: false, market: { kind: "none" } });
  try {
    sim.market.setBook("BTCUSDT", [[49_999.9, 1]], [[50_000.1, 1]]);
    const socket = new WebSocket(sim.wsPublicUrl);
    await new Promise((resolve) => socket.onopen = resolve);
    let received = 0;
    const ready = Promise.withResolvers<void>();
    const done = Promise.withResolvers<void>();
    socket.onmessage = (event) => {
      const text = String(event.data);
      if (text.includes('"snapshot"')) ready.resolve();
      else if (text.includes('"delta"') && ++received === MESSAGES) done.resolve();
    };
    socket.send(JSON.stringify({ op: "subscribe", args: ["orderbook.50.BTCUSDT"] }));
    await ready.promise;
    const started = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      sim.market.updateBook("BTCUSDT", [[49_999.9, 1 + (i % 1000) / 1000 + 0.0005]], []);
      // Let the socket drain now and then, as a live feed would.
      if (i % 2000 === 1999) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await done.promise;
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `simulator WebSocket messages to one client: ${
        Math.round(MESSAGES / seconds)
      }/s (${MESSAGES} orderbook.50 deltas)`,
    );
    socket.close();
  } finally {
    await sim.stop();
  }
}

await restRoundTrips();
await wsMessages();
