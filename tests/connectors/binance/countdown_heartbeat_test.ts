/**
 * The countdownCancelAll heartbeat against connectors/simulator (venue binance, real clock):
 * while it beats, the venue keeps our orders; once it stops beating (the process died) the
 * venue cancels the open orders after the countdown and keeps the resting conditional stop; a
 * clean stop disarms it; a failed beat is reported.
 */

import assert from "node:assert/strict";
import { CountdownHeartbeat } from "../../../connectors/binance/countdown_heartbeat.ts";
import { realTimers } from "../../../lib/broker/mod.ts";
import { decimal } from "../../../lib/domain/mod.ts";
import { limitBuy, sleep, until, withBinanceSim } from "./_sim.ts";

const SYMBOL = "binance:BTCUSDT";

/** The venue refuses the next heartbeat (a weight limit). */
const REFUSED_BEAT = {
  kind: "reject",
  code: -1003,
  message: "Too many requests; current limit is 2400 requests per minute.",
  path: "/fapi/v1/countdownCancelAll",
  count: 1,
} as const;

function heartbeat(
  rest: ConstructorParameters<typeof CountdownHeartbeat>[0]["rest"],
  failures: string[] = [],
): CountdownHeartbeat {
  return new CountdownHeartbeat({
    rest,
    symbols: [SYMBOL],
    countdownMs: 600,
    timers: realTimers,
    onFailure: (symbol, message) => failures.push(`${symbol} ${message}`),
  });
}

Deno.test("countdown heartbeat: a beating session keeps its orders; a dead one loses them after the countdown, its stop stays", async () => {
  await withBinanceSim(async ({ sim, rest, client }) => {
    // A long position with a protective stop resting as an algo order, and a working entry.
    await client.placeOrder({
      clientOrderId: "entry-1",
      symbol: SYMBOL,
      side: "buy",
      type: "market",
      quantity: decimal("0.01"),
      timeInForce: "ioc",
      reduceOnly: false,
    });
    await client.placeOrder({
      clientOrderId: "stop-1",
      symbol: SYMBOL,
      side: "sell",
      type: "stop-market",
      quantity: decimal("0.01"),
      triggerPrice: decimal("45000"),
      timeInForce: "gtc",
      reduceOnly: true,
    });
    await client.placeOrder(limitBuy("quote-1"));
    const beat = heartbeat(rest);
    assert.equal(beat.intervalMs, 250);
    await beat.start();
    await sleep(1500); // 2.5 countdowns: only the heartbeat keeps the orders alive
    assert.ok(beat.beats >= 4, `beats: ${beat.beats}`);
    assert.deepEqual(sim.exchange.openOrders(0).map((o) => o.clientId), ["stop-1", "quote-1"]);
    await beat.stop(false); // as if the process had been killed: no disarm
    const lastBeat = beat.lastBeatMs ?? NaN;
    await until(
      () => sim.ledger.orders().some((o) => o.clientId === "quote-1" && o.status === "cancelled"),
      "the venue's countdown cancel",
    );
    const waited = Date.now() - lastBeat;
    assert.ok(waited >= 550, `cancelled ${waited} ms after the last beat, before the countdown`);
    const quote = sim.ledger.orders().find((o) => o.clientId === "quote-1");
    assert.equal(quote?.cancelReason, "countdown");
    // The protective stop outlives the heartbeat.
    assert.deepEqual(
      sim.exchange.openOrders(0).map((o) => [o.clientId, o.status]),
      [["stop-1", "untriggered"]],
    );
  });
});

Deno.test("countdown heartbeat: a clean stop disarms the countdown, so orders left working stay", async () => {
  await withBinanceSim(async ({ sim, rest, client }) => {
    await client.placeOrder(limitBuy("quote-1"));
    const beat = heartbeat(rest);
    await beat.start();
    await beat.stop(true);
    await sleep(1000);
    await rest.call({
      method: "GET",
      path: "/fapi/v1/time",
      security: "none",
      weight: 1,
      priority: "query",
    });
    assert.deepEqual(sim.exchange.openOrders(0).map((o) => o.clientId), ["quote-1"]);
  });
});

Deno.test("countdown heartbeat: a refused beat is reported with the venue's message; the first one throws", async () => {
  await withBinanceSim(async ({ sim, rest }) => {
    sim.faults.inject(REFUSED_BEAT);
    await assert.rejects(() => heartbeat(rest).start(), /Too many requests/);
    const failures: string[] = [];
    const beat = heartbeat(rest, failures);
    await beat.start();
    sim.faults.inject(REFUSED_BEAT);
    await until(() => failures.length > 0, "the failure report");
    await beat.stop(true);
    assert.match(
      failures[0] ?? "",
      /^binance:BTCUSDT countdownCancelAll heartbeat failed: .*Too many requests/,
    );
  });
});

Deno.test("countdown heartbeat: a countdown that is not a positive whole number of ms is refused", () => {
  assert.throws(
    () =>
      new CountdownHeartbeat({
        rest: undefined as never,
        symbols: [SYMBOL],
        countdownMs: 0,
        timers: realTimers,
      }),
    /countdownCancelAll needs a positive whole countdown in ms, got 0/,
  );
});
