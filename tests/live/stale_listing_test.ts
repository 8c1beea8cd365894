/**
 * Reconciliation of an order of ours the OMS saw finish (its `finishedOrderIds`) that the venue
 * still lists open. The listing alone proves nothing: the pass asks the venue for the order by
 * its id, and cancels (under `unknown_order_policy = "cancel"`) only an order the venue confirms
 * open. Against the Bybit and the Binance simulator (127.0.0.1), whose `stale-listing` fault
 * makes the open-order list show a finished order as it last was; asserted on the simulator's
 * ledger: a stale listing costs no cancel request (which the venue would refuse), a confirmed open
 * order gets one.
 */

import assert from "node:assert/strict";
import { decimal } from "../../lib/domain/mod.ts";
import { ManualClock } from "../../lib/engine/mod.ts";
import { fixedQuantity } from "../../lib/execution/mod.ts";
import { LiveRuntime, type UnknownOrderPolicy } from "../../lib/live/mod.ts";
import { builtinStrategies } from "../../lib/strategies/mod.ts";
import { type Simulator, startSimulator } from "../../connectors/simulator/simulator.ts";
import type { ExecutionClient } from "../../lib/broker/mod.ts";
import { BinanceExecutionClient } from "../../connectors/binance/execution_client.ts";
import { WeightLimiter } from "../../connectors/binance/rate_limit.ts";
import { BinanceRest } from "../../connectors/binance/rest.ts";
import { simExecutionClient } from "../connectors/bybit/_sim_client.ts";
import { instruments, SMA_PARAMS, START } from "../lib/live/_paper.ts";

const KEY = { apiKey: "key-s", apiSecret: "secret-s" };
const CANCELS = "POST /v5/order/cancel";
const BINANCE_CANCELS = "DELETE /fapi/v1/order";
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function binanceClient(sim: Simulator): ExecutionClient {
  const rest = new BinanceRest({
    baseUrl: sim.restUrl,
    credentials: KEY,
    limiter: new WeightLimiter({ share: 1, clock: { now: () => Date.now(), sleep } }),
    now: () => Date.now(),
    sleep,
    timeoutMs: 2000,
  });
  return new BinanceExecutionClient(rest, sleep, { lookupDelayMs: 20 });
}

/**
 * A runtime on the simulator whose OMS saw its order `<prefix>-lz1abc-7` finish (restored from
 * a snapshot listing it in finishedOrderIds), and that order resting at the venue.
 */
async function setUp(sim: Simulator, policy: UnknownOrderPolicy) {
  const venue = sim.venue;
  const clock = new ManualClock(START);
  const runtime = new LiveRuntime({
    strategy: builtinStrategies.create("SmaCross", { ...SMA_PARAMS, symbol: `${venue}:BTCUSDT` }),
    instruments: await instruments(),
    initialBalances: { USDT: 0 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
    clock,
    sleeper: clock,
    dataInterval: "1m",
    feeds: [],
    buildCandles: false,
    unknownOrderPolicy: policy,
    orderVenue: {
      kind: "venue",
      client: venue === "bybit" ? simExecutionClient(sim, KEY) : binanceClient(sim),
    },
  });
  const { oms } = runtime.session;
  const id = `${oms.clientIds.prefix}-lz1abc-7`;
  oms.restore({ ...oms.snapshot(), finishedOrderIds: [id] });
  sim.market.setBook("BTCUSDT", [[49_999.5, 5]], [[50_000.5, 5]]);
  const placed = sim.exchange.place({
    accountId: 0,
    code: "BTCUSDT",
    side: "buy",
    type: "limit",
    tif: "gtc",
    quantity: decimal("0.01"),
    price: decimal("40000"),
    clientId: id,
  });
  assert.ok(placed.ok);
  return { runtime, id };
}

async function withSim(
  run: (sim: Simulator) => Promise<void>,
  venue: "bybit" | "binance" = "bybit",
): Promise<void> {
  const sim = await startSimulator({
    venue,
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "10000" }],
  });
  try {
    await run(sim);
  } finally {
    await sim.stop();
  }
}

Deno.test("reconcile (cancel policy, Bybit): a finished order the venue's list still shows is asked by id; finished there, no cancel is sent", async () => {
  await withSim(async (sim) => {
    const { runtime, id } = await setUp(sim, "cancel");
    // The order finished at the venue too; its open-order list lags.
    assert.ok(sim.exchange.cancel(0, { clientId: id }).ok);
    sim.faults.inject({ kind: "stale-listing", clientId: id });
    const outcome = await runtime.reconcileNow("periodic");
    assert.deepEqual(outcome?.orders, [{
      clientOrderId: id,
      symbol: "bybit:BTCUSDT",
      kind: "finished-listed",
      action: "stale-listing",
      reason: "the venue has it canceled",
    }]);
    assert.equal(outcome?.mismatch, false);
    assert.equal(runtime.session.oms.tradingState, "active");
    // The listing was stale (the fault happened), and no cancel reached the venue.
    assert.deepEqual(sim.faults.log().map((f) => f.kind), ["stale-listing"]);
    assert.equal(sim.ledger.requests(CANCELS), 0);
    assert.equal(sim.ledger.order(id)?.status, "cancelled");
  });
});

Deno.test("reconcile (cancel policy, Bybit): a finished order the venue confirms open by id is a real mismatch and is cancelled once", async () => {
  await withSim(async (sim) => {
    const { runtime, id } = await setUp(sim, "cancel");
    const outcome = await runtime.reconcileNow("periodic");
    assert.deepEqual(
      outcome?.orders.map((o) => [o.clientOrderId, o.kind, o.action]),
      [[id, "finished-listed", "canceled"]],
    );
    assert.equal(outcome?.mismatch, false);
    assert.equal(sim.ledger.requests(CANCELS), 1);
    assert.equal(sim.ledger.order(id)?.status, "cancelled");
    // Settled: the next pass finds nothing.
    const next = await runtime.reconcileNow("periodic");
    assert.deepEqual(next?.orders, []);
    assert.equal(sim.ledger.requests(CANCELS), 1);
  });
});

Deno.test("reconcile (adopt policy, Bybit): a finished order the venue confirms open cannot be adopted back: nothing sent, trading halted", async () => {
  await withSim(async (sim) => {
    const { runtime, id } = await setUp(sim, "adopt");
    const outcome = await runtime.reconcileNow("periodic");
    assert.deepEqual(outcome?.orders, [{
      clientOrderId: id,
      symbol: "bybit:BTCUSDT",
      kind: "finished-listed",
      action: "untouched",
      reason: "the venue has it accepted",
    }]);
    assert.equal(outcome?.mismatch, true);
    assert.equal(runtime.session.oms.tradingState, "halted");
    assert.equal(sim.ledger.requests(CANCELS), 0);
    assert.deepEqual(runtime.session.oms.openOrders(), []);
  });
});

Deno.test("reconcile (cancel policy, Binance): a stale listing of a finished order is asked by id and costs no cancel", async () => {
  await withSim(async (sim) => {
    const { runtime, id } = await setUp(sim, "cancel");
    assert.ok(sim.exchange.cancel(0, { clientId: id }).ok);
    sim.faults.inject({ kind: "stale-listing", clientId: id });
    const outcome = await runtime.reconcileNow("periodic");
    assert.deepEqual(outcome?.orders, [{
      clientOrderId: id,
      symbol: "binance:BTCUSDT",
      kind: "finished-listed",
      action: "stale-listing",
      reason: "the venue has it canceled",
    }]);
    assert.equal(outcome?.mismatch, false);
    assert.deepEqual(sim.faults.log().map((f) => [f.kind, f.target]), [
      ["stale-listing", "GET /fapi/v1/openOrders"],
    ]);
    assert.equal(sim.ledger.requests(BINANCE_CANCELS), 0);
    assert.equal(sim.ledger.requests("GET /fapi/v1/order"), 1);
  }, "binance");
});
