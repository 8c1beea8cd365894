/**
 * Protection that outlives the process, proven on the simulator's ledger: `tesser live run
 * --exec live` (a real child process) enters long with a bracket; the stop-loss rests AT THE
 * VENUE as a reduce-only conditional order (Bybit `triggerPrice`/`triggerDirection`, Binance
 * `/fapi/v1/algoOrder` STOP_MARKET) and the take-profit as a reduce-only limit; the process is
 * killed with SIGKILL; the simulator's price then moves through the stop and the simulator —
 * with nobody of ours alive — closes the position by the stop. With Binance's countdownCancelAll
 * heartbeat on, the venue also cancels the working take-profit after the countdown, while the
 * conditional stop stays.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import type { Simulator } from "../../connectors/simulator/simulator.ts";
import type { SimOrder } from "../../connectors/simulator/order.ts";
import { liveRunArgs, simConfigDir, startSimAccount } from "../live/_live_cli.ts";
import { until } from "../_until.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The simulator's config folder plus the strategy file of `EnterOnceProtected` on `venue`. */
async function configDir(sim: Simulator, venue: "bybit" | "binance", extra: string) {
  const dir = await simConfigDir(sim, `${extra}\n[live.account]\non_mismatch = "adopt"\n`);
  await Deno.writeTextFile(
    join(dir, "strategy.toml"),
    `strategy_name = "EnterOnceProtected"\n\n[params]\nsymbol = "${venue}:BTCUSDT"\n`,
  );
  return dir;
}

interface Child {
  readonly process: Deno.ChildProcess;
  readonly stderr: () => string;
}

function startLive(dir: string): Child {
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "-A",
      join(ROOT, "cli/main.ts"),
      ...liveRunArgs(
        dir,
        "--strategy-module",
        join(ROOT, "tests/cli/_protect_strategy.ts"),
        "--strategy-config",
        join(dir, "strategy.toml"),
        "--quantity",
        "0.01",
        // A bound of its own, should the test fail to kill it.
        "--duration",
        "120s",
      ),
    ],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  (async () => {
    for await (const chunk of process.stderr) text += decoder.decode(chunk, { stream: true });
  })().catch(() => {});
  return { process, stderr: () => text };
}

/** Kills the child unless it has exited, and waits for it. */
async function ensureDead(child: Child): Promise<void> {
  try {
    child.process.kill("SIGKILL");
  } catch {
    // It has exited already.
  }
  await child.process.status;
}

const ours = (sim: Simulator): readonly SimOrder[] => sim.ledger.orders({ accountId: 0 });

/** The latest ledger record of an order (the ledger keeps frozen copies). */
function now(sim: Simulator, order: SimOrder): SimOrder {
  const latest = ours(sim).find((o) => o.orderId === order.orderId);
  if (latest === undefined) throw new Error(`order ${order.orderId} left the ledger`);
  return latest;
}

interface Protected {
  readonly sim: Simulator;
  readonly dir: string;
  readonly child: Child;
  readonly stop: SimOrder;
  readonly takeProfit: SimOrder;
}

/**
 * A simulator, and `live run` on it entered long with its bracket resting at the venue (the
 * caller stops the simulator; the child is killed here if this fails).
 */
async function protectedSession(
  venue: "bybit" | "binance",
  countdownSecs?: number,
): Promise<Protected> {
  const sim = await startSimAccount(venue);
  let child: Child | undefined;
  try {
    sim.market.setBook("BTCUSDT", [[49999.5, 5]], [[50000.5, 5]]);
    const extra = countdownSecs === undefined ? "" : `countdown_cancel_all_secs = ${countdownSecs}`;
    const dir = await configDir(sim, venue, extra);
    child = startLive(dir);
    const started = child;
    await until(() => /live session started/.test(started.stderr()), "the session's start", 90_000)
      .catch((error) => {
        throw new Error(`${error.message}\n${started.stderr()}`);
      });
    // Trades until the strategy has entered and the OMS has placed the bracket at the venue.
    const legs = (): SimOrder[] => ours(sim).filter((o) => o.reduceOnly && o.status !== "filled");
    const deadline = Date.now() + 30_000;
    while (legs().filter((o) => o.status === "untriggered" || o.status === "new").length < 2) {
      if (Date.now() > deadline) {
        throw new Error(
          `no bracket at the venue:\n${JSON.stringify(ours(sim))}\n${started.stderr()}`,
        );
      }
      sim.market.trade("BTCUSDT", "buy", 50000.5, 0.001);
      await sleep(100);
    }
    assert.equal(sim.exchange.account(0).position("BTCUSDT", 0).size.toString(), "0.01");
    const stop = legs().find((o) => o.conditional);
    const takeProfit = legs().find((o) => !o.conditional);
    assert.ok(stop !== undefined && takeProfit !== undefined);
    // The stop rests at the venue as a reduce-only conditional order, not simulated by us:
    // 2 % under the entry's trade price, rounded down to the tick; a sell triggered on a fall.
    assert.deepEqual(
      [
        stop.side,
        stop.status,
        stop.reduceOnly,
        stop.triggerPrice?.toString(),
        stop.triggerDirection,
      ],
      ["sell", "untriggered", true, "49000.4", "fall"],
    );
    assert.deepEqual(
      [takeProfit.side, takeProfit.status, takeProfit.reduceOnly, takeProfit.price?.toString()],
      ["sell", "new", true, "51000.6"],
    );
    return { sim, dir, child, stop, takeProfit };
  } catch (error) {
    if (child !== undefined) await ensureDead(child);
    await sim.stop();
    throw error;
  }
}

/** The price falls through the stop: the venue fills it and the position is closed. */
async function throughTheStop(sim: Simulator, stop: SimOrder): Promise<void> {
  sim.market.setBook("BTCUSDT", [[48900, 5]], [[48901, 5]]);
  sim.market.trade("BTCUSDT", "sell", 48900, 0.1);
  await until(() => now(sim, stop).status === "filled", "the stop's fill", 5_000);
  assert.equal(sim.exchange.account(0).position("BTCUSDT", 0).size.toString(), "0");
  const fills = sim.ledger.fills({ accountId: 0 });
  assert.deepEqual(
    fills.map((f) => [f.clientId === stop.clientId, f.side, f.quantity.toString()]),
    [[false, "buy", "0.01"], [true, "sell", "0.01"]],
  );
  assert.equal(fills[1]?.price.toString(), "48900");
  assert.equal(fills[1]?.closedSize.toString(), "0.01");
}

async function killedWhileProtected(
  venue: "bybit" | "binance",
  countdownSecs?: number,
): Promise<
  { sim: Simulator; dir: string; stop: SimOrder; takeProfit: SimOrder; stderr: string }
> {
  const { sim, dir, child, stop, takeProfit } = await protectedSession(venue, countdownSecs);
  try {
    if (countdownSecs !== undefined) {
      // A running session's heartbeat keeps its orders well past the countdown.
      await sleep(countdownSecs * 1000 + 1_500);
      assert.deepEqual([now(sim, stop).status, now(sim, takeProfit).status], [
        "untriggered",
        "new",
      ]);
    }
    // Dead, with no chance to cancel or flatten anything.
    child.process.kill("SIGKILL");
    const status = await child.process.status;
    assert.equal(status.signal, "SIGKILL");
    if (countdownSecs !== undefined) {
      // The heartbeat has stopped: after the countdown the venue cancels the working orders
      // and keeps the conditional stop.
      await until(
        () => now(sim, takeProfit).status === "cancelled",
        "the countdown's cancel",
        countdownSecs * 1000 + 3_000,
      );
      assert.equal(now(sim, takeProfit).cancelReason, "countdown");
      assert.equal(now(sim, stop).status, "untriggered");
    }
    // Nobody of ours is alive: the venue alone closes the position by the stop.
    await throughTheStop(sim, stop);
    return {
      sim,
      dir,
      stop: now(sim, stop),
      takeProfit: now(sim, takeProfit),
      stderr: child.stderr(),
    };
  } catch (error) {
    await ensureDead(child);
    await sim.stop();
    throw error;
  }
}

Deno.test("Bybit: the bracket's stop rests at the venue as a conditional order and closes the position after a kill -9", async () => {
  const { sim, takeProfit } = await killedWhileProtected("bybit");
  try {
    // Bybit itself cancels the reduce-only take-profit the closed position left behind.
    assert.deepEqual([takeProfit.status, takeProfit.cancelReason], ["cancelled", "reduce-only"]);
    assert.equal(sim.exchange.openOrders(0).length, 0);
  } finally {
    await sim.stop();
  }
});

Deno.test("Binance: the bracket's stop rests as an algo STOP_MARKET and closes the position after a kill -9; the take-profit is left for the next start", async () => {
  const { sim, takeProfit } = await killedWhileProtected("binance");
  try {
    // Binance keeps the orphaned reduce-only limit [inf]: reconciliation at the next start
    // must cancel it; and it can never open a position by itself.
    assert.equal(takeProfit.status, "new");
    sim.market.trade("BTCUSDT", "buy", 51001, 1);
    const after = now(sim, takeProfit);
    assert.deepEqual([after.status, after.cancelReason], ["cancelled", "reduce-only"]);
    assert.equal(sim.exchange.account(0).position("BTCUSDT", 0).size.toString(), "0");
  } finally {
    await sim.stop();
  }
});

Deno.test("Binance with countdown_cancel_all_secs: after a kill -9 the venue cancels the working orders after the countdown and the resting stop still closes the position", async () => {
  const { sim, stderr } = await killedWhileProtected("binance", 2);
  try {
    assert.doesNotMatch(stderr, /countdown-heartbeat-failed/);
  } finally {
    await sim.stop();
  }
});

/**
 * Restarts `live run` on the state of a session killed while protected, after the venue's stop
 * closed the position; `orphan` says how the take-profit must end. The restarted session books
 * the stop's fill once (from the private stream's catch-up), ends flat with the venue's wallet,
 * places nothing new, and stops cleanly.
 */
async function restartAfterTheStop(
  venue: "bybit" | "binance",
  orphan: SimOrder["cancelReason"],
): Promise<void> {
  const { sim, dir, takeProfit } = await killedWhileProtected(venue);
  const child = startLive(dir);
  try {
    await until(() => now(sim, takeProfit).status === "cancelled", "the orphan's cancel", 90_000)
      .catch((error) => {
        throw new Error(`${error.message}\n${child.stderr()}`);
      });
    assert.equal(now(sim, takeProfit).cancelReason, orphan);
    await until(() => /live session started/.test(child.stderr()), "the session's start", 30_000);
    // The caught-up fill was booked before the start-up reconciliation: nothing to adopt, and
    // the legs being cancelled do not hold trading halted.
    assert.match(
      child.stderr(),
      /reconciliation \(start\): 0 differences adopted, trading active/,
    );
    await sleep(500);
    // Nothing else was placed: the strategy's state (entered once) and the OMS were restored.
    assert.equal(ours(sim).length, 3);
    assert.equal(sim.exchange.account(0).position("BTCUSDT", 0).size.toString(), "0");
    child.process.kill("SIGTERM");
    assert.equal((await child.process.status).code, 0, child.stderr());
    // Our books: the stop's fill once, flat, the venue's wallet, nothing working.
    const io = recordingIo();
    assert.equal(await main(["state", "inspect", "--path", join(dir, "state.db")], io), 0);
    const text = io.out.join("\n");
    assert.match(text, /Recorded: \d+ intents, 2 fills/);
    assert.match(text, /Positions: flat/);
    assert.match(text, /Working orders: 0/);
    assert.match(
      text,
      new RegExp(`Balances: USDT ${sim.exchange.account(0).wallet.toString()}\\b`),
    );
  } finally {
    await ensureDead(child);
    await sim.stop();
  }
}

Deno.test("Binance: restarted after the stop closed the position while it was down, the session books it once and cancels the orphaned take-profit", async () => {
  await restartAfterTheStop("binance", "user");
});

Deno.test("Bybit: restarted after the stop closed the position while it was down, the session books it once (the venue cancelled the orphan)", async () => {
  await restartAfterTheStop("bybit", "reduce-only");
});

async function stopsWhileUp(venue: "bybit" | "binance"): Promise<SimOrder> {
  const { sim, child, stop, takeProfit } = await protectedSession(venue);
  try {
    await throughTheStop(sim, stop);
    await until(
      () => now(sim, takeProfit).status === "cancelled",
      "the other leg's cancel",
      10_000,
    );
    // The session is still running and keeps working: a clean stop exits 0.
    child.process.kill("SIGTERM");
    assert.equal((await child.process.status).code, 0, child.stderr());
    assert.equal(sim.exchange.openOrders(0).length, 0);
    return now(sim, takeProfit);
  } finally {
    await ensureDead(child);
    await sim.stop();
  }
}

Deno.test("Binance OCO while up: the stop fills at the venue and the session cancels the take-profit", async () => {
  const takeProfit = await stopsWhileUp("binance");
  // Cancelled by our request (Binance keeps an orphaned reduce-only order).
  assert.equal(takeProfit.cancelReason, "user");
});

Deno.test("Bybit OCO while up: the stop fills at the venue, the other leg goes, and the session carries on", async () => {
  const takeProfit = await stopsWhileUp("bybit");
  // Bybit cancels the reduce-only orphan itself; our cancel finds it gone and is satisfied.
  assert.equal(takeProfit.cancelReason, "reduce-only");
});
