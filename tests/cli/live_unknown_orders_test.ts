/**
 * `live.unknown_order_policy` end to end: `tesser live run --exec live` against the simulator
 * with an open order at the venue that is not ours. `cancel`: the venue cancels it (a cancel the
 * venue refuses is sent again on the next pass) — and an order whose prefix merely extends ours
 * (`SmaCross2-…` next to our `SmaCross-…`) is not ours. `adopt` (the default): it stays at the
 * venue, and its later fill is booked once. An order of our shape the OMS does not know (a
 * state-less start after a previous run) is handled by the same policy, without halting trading;
 * once it finished, a restart's catch-up re-delivering its reports raises no order-unknown warning.
 * Checked against the simulator's ledger.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import type { Simulator } from "../../connectors/simulator/simulator.ts";
import { decimal } from "../../lib/domain/mod.ts";
import { liveRunArgs, simConfigDir, startSimAccount, storedFills } from "../live/_live_cli.ts";

const SMA_CROSS = new URL("../../examples/strategies/sma_cross.toml", import.meta.url).pathname;

async function until(
  predicate: () => boolean,
  what: string,
  ms: number,
  look: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  const deadline = Date.now() + ms;
  for (await look(); !predicate(); await look()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A resting limit buy of 0.01 at `price` on account 0, placed outside the session. */
function restingBuy(sim: Simulator, clientId: string, price: string): void {
  const placed = sim.exchange.place({
    accountId: 0,
    code: "BTCUSDT",
    side: "buy",
    type: "limit",
    tif: "gtc",
    quantity: decimal("0.01"),
    price: decimal(price),
    clientId,
  });
  assert.ok(placed.ok, `${clientId} should rest`);
}

function ledgerStatus(sim: Simulator, clientId: string): string | undefined {
  return sim.ledger.order(clientId)?.status;
}

/** The state file of `dir` as `tesser state inspect --json` prints it. */
async function inspectState(dir: string) {
  const io = recordingIo();
  assert.equal(await main(["state", "inspect", "--path", join(dir, "state.db"), "--json"], io), 0);
  return JSON.parse(io.out.join("\n")).state;
}

/** The saved BTC position is the simulator account's. */
function assertVenuePosition(
  state: { portfolio: { positions: { symbol: string; quantity: string }[] } },
  sim: Simulator,
): void {
  assert.equal(
    state.portfolio.positions.find((p) => p.symbol === "bybit:BTCUSDT")?.quantity,
    sim.exchange.account(0).position("BTCUSDT", 0).size.toString(),
  );
}

/** `live run` on `dir` for `duration`; resolves with its exit code, the io it wrote to. */
function liveRun(dir: string, duration: string) {
  const io = recordingIo();
  const code = main(liveRunArgs(dir, "--strategy-config", SMA_CROSS, "--duration", duration), io);
  return { io, code };
}

async function simulator(): Promise<Simulator> {
  const sim = await startSimAccount("bybit");
  sim.market.setBook("BTCUSDT", [[49_999.5, 5]], [[50_000.5, 5]]);
  return sim;
}

Deno.test("live.unknown_order_policy = cancel: the venue cancels an order that is not ours (a refused cancel is sent again); a longer prefix is not ours", async () => {
  const sim = await simulator();
  const dir = await simConfigDir(
    sim,
    `\n[live]\nunknown_order_policy = "cancel"\nreconciliation_interval_secs = 1\n` +
      `\n[live.account]\non_mismatch = "adopt"\n`,
  );
  try {
    // Another strategy's order (its prefix extends ours, SmaCross) and a manual one.
    restingBuy(sim, "SmaCross2-lz1abc-1", "49000");
    restingBuy(sim, "manual-1", "48000");
    // The venue fails the first cancel it is sent.
    sim.faults.inject({ kind: "http-status", status: 503, path: "/v5/order/cancel", count: 1 });
    const { io, code } = liveRun(dir, "8s");
    let scraped: string | undefined;
    await until(
      () =>
        ledgerStatus(sim, "SmaCross2-lz1abc-1") === "cancelled" &&
        ledgerStatus(sim, "manual-1") === "cancelled",
      "both cancels at the venue",
      20_000,
    );
    // Counted as they happened (one by the start pass, one by the next), as the process serves it.
    const url = io.err.join("\n").match(/metrics on (http:\/\/\S+\/metrics)/)?.[1];
    assert.ok(url !== undefined, "the start line names the metrics address");
    const counted = (text: string) =>
      /^tesser_reconciliation_unknown_orders_total\{action="cancel"[^}]*\} 2$/m.test(text) &&
      /^tesser_reconciliation_external_orders\{[^}]*\} 0$/m.test(text);
    await until(() => scraped !== undefined && counted(scraped), "the counts", 5_000, async () => {
      scraped = await (await fetch(url)).text();
    }).catch((error) => {
      console.log(scraped?.split("\n").filter((l) => /reconciliation/.test(l)).join("\n"));
      throw error;
    });
    assert.equal(await code, 0, io.err.join("\n"));
    const log = io.err.join("\n");
    assert.match(log, /the venue refused its cancel .*; the next pass sends it again/);
    assert.match(log, /order SmaCross2-lz1abc-1 is not ours: cancelled at the venue/);
    assert.match(log, /order manual-1 is not ours: cancelled at the venue/);
    // The venue's reports of the cancels it asked for are expected: no order-unknown alert.
    assert.doesNotMatch(log, /code=order-unknown/);
    // Never taken for ours: no pass saw an unknown order of ours (which halts trading).
    assert.doesNotMatch(log, /ours at the venue but unknown here/);
    assert.deepEqual(sim.exchange.openOrders(0), []);
    assert.deepEqual(storedFills(join(dir, "state.db")), []);
  } finally {
    await sim.stop();
  }
});

Deno.test("live.unknown_order_policy = adopt (default): the order that is not ours stays at the venue and its later fill is booked once", async () => {
  const sim = await simulator();
  const dir = await simConfigDir(sim, `\n[live.account]\non_mismatch = "adopt"\n`);
  try {
    restingBuy(sim, "manual-1", "49000");
    const { io, code } = liveRun(dir, "6s");
    await until(
      () => io.err.some((l) => /order manual-1 is not ours: adopted/.test(l)),
      "the adoption",
      20_000,
    );
    assert.equal(ledgerStatus(sim, "manual-1"), "new");
    // The market trades through its price: the venue fills it.
    sim.market.trade("BTCUSDT", "sell", 48_990, 0.01);
    await until(() => io.err.some((l) => /fill: buy 0\.01/.test(l)), "its fill", 10_000);
    assert.equal(await code, 0, io.err.join("\n"));
    assert.equal(ledgerStatus(sim, "manual-1"), "filled");
    const ledger = sim.ledger.fills({ accountId: 0 });
    assert.equal(ledger.length, 1);
    assert.deepEqual(
      storedFills(join(dir, "state.db")).map((f) => [f.tradeId, f.clientOrderId, f.quantity]),
      [[ledger[0].execId, "manual-1", "0.01"]],
    );
    const state = await inspectState(dir);
    assertVenuePosition(state, sim);
    // Filled: the OMS holds it no longer.
    assert.deepEqual(state.oms.orders, []);
  } finally {
    await sim.stop();
  }
});

Deno.test("live.unknown_order_policy = adopt: the adopted order outlives a restart; its fill while the process was down is booked once by the next start", async () => {
  const sim = await simulator();
  const dir = await simConfigDir(sim, `\n[live.account]\non_mismatch = "adopt"\n`);
  try {
    restingBuy(sim, "manual-1", "49000");
    const first = liveRun(dir, "3s");
    assert.equal(await first.code, 0, first.io.err.join("\n"));
    assert.match(first.io.err.join("\n"), /order manual-1 is not ours: adopted/);
    // Saved with the state as a working order.
    assert.deepEqual(
      (await inspectState(dir)).oms.orders.map((o: { request: { clientOrderId: string } }) =>
        o.request.clientOrderId
      ),
      ["manual-1"],
    );
    // Nobody of ours is alive: the venue fills it.
    sim.market.trade("BTCUSDT", "sell", 48_990, 0.01);
    assert.equal(ledgerStatus(sim, "manual-1"), "filled");
    const second = liveRun(dir, "3s");
    assert.equal(await second.code, 0, second.io.err.join("\n"));
    const log = second.io.err.join("\n");
    // The restored order was known: its fill and report are no unknown order.
    assert.doesNotMatch(log, /code=order-unknown/);
    const ledger = sim.ledger.fills({ accountId: 0 });
    assert.equal(ledger.length, 1);
    assert.deepEqual(
      storedFills(join(dir, "state.db")).map((f) => [f.tradeId, f.clientOrderId]),
      [[ledger[0].execId, "manual-1"]],
    );
    const state = await inspectState(dir);
    assert.deepEqual(state.oms.orders, []);
    assertVenuePosition(state, sim);
  } finally {
    await sim.stop();
  }
});

// An id of ours from a previous run an hour ago (its state file is gone), as ClientIds makes them.
function previousRunId(counter: number): string {
  return `SmaCross-${(Date.now() - 3_600_000).toString(36)}-${counter.toString(36)}`;
}

Deno.test("a state-less start with an open order of ours at the venue (lost state file) adopts it, keeps trading, and books its later fill once", async () => {
  const sim = await simulator();
  const dir = await simConfigDir(sim, `\n[live.account]\non_mismatch = "adopt"\n`);
  try {
    const ours = previousRunId(7);
    restingBuy(sim, ours, "49000");
    const { io, code } = liveRun(dir, "6s");
    await until(
      () =>
        io.err.some((l) =>
          l.includes(`order ${ours} is ours at the venue but unknown here: adopted`)
        ),
      "the adoption",
      20_000,
    );
    assert.equal(ledgerStatus(sim, ours), "new");
    sim.market.trade("BTCUSDT", "sell", 48_990, 0.01);
    await until(() => io.err.some((l) => /fill: buy 0\.01/.test(l)), "its fill", 10_000);
    assert.equal(await code, 0, io.err.join("\n"));
    const log = io.err.join("\n");
    // Never halted for it: the start pass resumed trading, no pass left a mismatch open.
    assert.match(log, /reconciliation \(start\): .*trading active/);
    assert.doesNotMatch(log, /mismatch open/);
    assert.doesNotMatch(log, /code=order-unknown/);
    assert.equal(ledgerStatus(sim, ours), "filled");
    const ledger = sim.ledger.fills({ accountId: 0 });
    assert.equal(ledger.length, 1);
    assert.deepEqual(
      storedFills(join(dir, "state.db")).map((f) => [f.tradeId, f.clientOrderId, f.quantity]),
      [[ledger[0].execId, ours, "0.01"]],
    );
    const inspect = recordingIo();
    assert.equal(
      await main(["state", "inspect", "--path", join(dir, "state.db"), "--json"], inspect),
      0,
    );
    const state = JSON.parse(inspect.out.join("\n")).state;
    assert.equal(
      state.portfolio.positions.find((p: { symbol: string }) => p.symbol === "bybit:BTCUSDT")
        ?.quantity,
      sim.exchange.account(0).position("BTCUSDT", 0).size.toString(),
    );
    // The saved generator is past that id: the next process cannot make it again.
    const [, epoch, counter] = ours.split("-");
    assert.equal(state.oms.clientIds.epochMs, parseInt(epoch, 36));
    assert.ok(state.oms.clientIds.counter >= parseInt(counter, 36), state.oms.clientIds.counter);
  } finally {
    await sim.stop();
  }
});

Deno.test("live.unknown_order_policy = cancel: a state-less start cancels an open order of ours it does not know at the venue, and trades on", async () => {
  const sim = await simulator();
  const dir = await simConfigDir(
    sim,
    `\n[live]\nunknown_order_policy = "cancel"\n\n[live.account]\non_mismatch = "adopt"\n`,
  );
  try {
    const ours = previousRunId(3);
    restingBuy(sim, ours, "49000");
    const { io, code } = liveRun(dir, "4s");
    await until(() => ledgerStatus(sim, ours) === "cancelled", "its cancel at the venue", 20_000);
    assert.equal(await code, 0, io.err.join("\n"));
    const log = io.err.join("\n");
    assert.ok(log.includes(`order ${ours} is ours at the venue but unknown here: cancelled`), log);
    assert.match(log, /reconciliation \(start\): .*trading active/);
    assert.doesNotMatch(log, /mismatch open/);
    assert.doesNotMatch(log, /code=order-unknown/);
    assert.deepEqual(sim.exchange.openOrders(0), []);
    assert.deepEqual(storedFills(join(dir, "state.db")), []);
  } finally {
    await sim.stop();
  }
});

Deno.test("a restart shortly after an order of ours finished: the stream's catch-up re-delivers its reports, and they are known (no order-unknown warning)", async () => {
  const sim = await simulator();
  const dir = await simConfigDir(sim, `\n[live.account]\non_mismatch = "adopt"\n`);
  try {
    const ours = previousRunId(4);
    restingBuy(sim, ours, "49000");
    const first = liveRun(dir, "4s");
    await until(
      () => first.io.err.some((l) => l.includes(`order ${ours} is ours at the venue but unknown`)),
      "the adoption",
      20_000,
    );
    sim.market.trade("BTCUSDT", "sell", 48_990, 0.01);
    await until(() => first.io.err.some((l) => /fill: buy 0\.01/.test(l)), "its fill", 10_000);
    assert.equal(await first.code, 0, first.io.err.join("\n"));
    assert.equal(ledgerStatus(sim, ours), "filled");
    // Within the catch-up's overlap: the next start is delivered the order's reports again.
    const second = liveRun(dir, "3s");
    assert.equal(await second.code, 0, second.io.err.join("\n"));
    const log = second.io.err.join("\n");
    assert.doesNotMatch(log, /code=order-unknown/);
    assert.doesNotMatch(log, /never sent/);
    const ledger = sim.ledger.fills({ accountId: 0 });
    assert.equal(ledger.length, 1);
    assert.deepEqual(
      storedFills(join(dir, "state.db")).map((f) => [f.tradeId, f.clientOrderId]),
      [[ledger[0].execId, ours]],
    );
  } finally {
    await sim.stop();
  }
});
