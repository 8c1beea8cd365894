import assert from "node:assert/strict";
import { decimal } from "../../../lib/domain/mod.ts";
import type { ConnectivityEvent, Event } from "../../../lib/events/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import { knownReport, unknownReport } from "../../../lib/portfolio/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";
import { TradingSession } from "../../../lib/trader/mod.ts";
import { LINEAR } from "../portfolio/_fixtures.ts";

const BTC = LINEAR;

/** A strategy that records connectivity changes with the position it sees at that moment. */
function watcher(): { strategy: Strategy; seen: string[] } {
  const seen: string[] = [];
  const strategy: Strategy = {
    name: "watcher",
    subscriptions: [{ kind: "trades", symbol: BTC.symbol }],
    onConnectivity(event: ConnectivityEvent, ctx: StrategyContext): void {
      seen.push(
        `${event.channel}:${event.venue}:${event.symbol ?? "-"}:${event.state}:` +
          `${event.reason ?? ""}@${ctx.now} position ${ctx.position(BTC.symbol)}`,
      );
    },
    snapshot: () => null,
    restore: () => {},
  };
  return { strategy, seen };
}

function session(strategy: Strategy): TradingSession {
  return new TradingSession({
    strategy,
    instruments: [BTC],
    initialBalances: { USDT: "1000" },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.001),
  }, () => ({ venue: "bybit", send: () => {} }));
}

function connectivity(ts: number, state: ConnectivityEvent["state"]): ConnectivityEvent {
  return {
    kind: "connectivity",
    ts,
    tsRecv: ts,
    channel: "execution",
    venue: "bybit",
    state,
    reason: state === "down" ? "private socket closed (1006)" : undefined,
  };
}

Deno.test("TradingSession delivers connectivity events to the strategy's onConnectivity", () => {
  const { strategy, seen } = watcher();
  const trading = session(strategy);
  trading.host();
  trading.engine.process(connectivity(10, "down"));
  trading.engine.process(connectivity(20, "up"));
  assert.deepEqual(seen, [
    "execution:bybit:-:down:private socket closed (1006)@10 position 0",
    "execution:bybit:-:up:@20 position 0",
  ]);
});

Deno.test("TradingSession ignores connectivity for a strategy without the handler", () => {
  const trading = session({
    name: "plain",
    subscriptions: [{ kind: "trades", symbol: BTC.symbol }],
    snapshot: () => null,
    restore: () => {},
  });
  trading.host();
  trading.engine.process(connectivity(10, "stale"));
  assert.equal(trading.engine.processed, 1);
});

Deno.test("TradingSession.reconcile adopts the venue's figures, emits the event, and strategies see them", () => {
  const { strategy, seen } = watcher();
  const trading = session(strategy);
  trading.host();
  const published: Event[] = [];
  trading.engine.bus.subscribe("reconciliation", (event) => published.push(event));
  trading.engine.process(connectivity(100, "up"));
  const event = trading.reconcile(
    knownReport([{ symbol: BTC.symbol, quantity: decimal("0.002"), entryPrice: decimal("30000") }]),
    unknownReport("wallet query timed out"),
  );
  assert.deepEqual(published, [event]);
  assert.equal(event.ts, 100, "stamped with the session clock");
  assert.deepEqual(event.balances, { status: "unknown", reason: "wallet query timed out" });
  assert.equal(event.differences.length, 1);
  assert.equal(event.differences[0].adjustmentId, `reconcile:100:${BTC.symbol}`);
  assert.equal(trading.portfolio.position(BTC.symbol).quantity.toString(), "0.002");
  assert.equal(trading.portfolio.balances()[0].total.toString(), "1000");
  // The strategy's cached position follows the adoption.
  trading.engine.process(connectivity(200, "stale"));
  assert.equal(seen[1], "execution:bybit:-:stale:@200 position 0.002");
});

Deno.test("TradingSession.reconcile from inside a handler emits the event in the same cascade", () => {
  const { strategy } = watcher();
  const trading = session(strategy);
  trading.host();
  const order: string[] = [];
  trading.engine.bus.subscribe("alert", () => {
    trading.reconcile(knownReport([]), knownReport([{ currency: "USDT", total: decimal("990") }]));
  });
  trading.engine.bus.subscribeAll((event) => order.push(event.kind));
  trading.engine.process({
    kind: "alert",
    ts: 5,
    tsRecv: 5,
    severity: "info",
    code: "reconnected",
    message: "private stream back",
  });
  assert.deepEqual(order, ["alert", "reconciliation"]);
  assert.equal(trading.portfolio.balances()[0].total.toString(), "990");
});
