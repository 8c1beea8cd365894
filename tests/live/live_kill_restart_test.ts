/**
 * kill -9 of the real `tesser live run --exec live` process at seeded points, then a restart on
 * the same state file (issue 16). The simulator (Bybit, 127.0.0.1) replays the real Binance
 * BTCUSDT capture at 2× real time the whole while, so resting quotes keep filling while the
 * process is dead; the strategy (`tests/testdata/live/twap_maker.ts`) quotes both sides, amends
 * and cancels, and works position changes by TWAP, so orders, amends, cancels and algorithm
 * children are in flight at the kills. The points, drawn from a printed seed
 * (`KILL_TEST_SEED=N` repeats a run): inside the simulator's order entry as it places the n-th
 * order of the run (placed at the venue, no answer yet: between placement and
 * acknowledgement), a few ms after a placement (answer on the wire), as it amends or cancels,
 * and at random times. Each restart restores from the store and catches up with the venue; a
 * last run on a quiet market settles. Then, on the simulator's ledger: every venue fill is in
 * the state file exactly once with its price, quantity and fee; position and wallet equal; no
 * client id placed twice and every placed id has an intent; the working orders are the venue's
 * open orders; every TWAP child the venue saw is counted by its restored parent, and every lot
 * the children filled there is booked by their parents, once (none sent twice); every parent
 * finished; and the strategy's state survived every restart. A hook may kill a restart before
 * its session started: that is a kill point too.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { startSimulator } from "../../connectors/simulator/simulator.ts";
import type { AlgorithmsSnapshot } from "../../lib/execution/mod.ts";
import { mulberry32 } from "../lib/indicators/_fixtures.ts";
import { assertStateMatchesLedger, submittedIds } from "./_ledger_check.ts";
import { type LiveProcess, SIM_KEY, simConfigDir, spawnLive, storedFills } from "./_live_cli.ts";
import { captureMarket } from "./_replay_market.ts";

const MODULE = new URL("../testdata/live/twap_maker.ts", import.meta.url).pathname;
const CONFIG = new URL("../testdata/live/twap_maker.toml", import.meta.url).pathname;
const SYMBOL = "bybit:BTCUSDT";
const CODE = "BTCUSDT";
const POINTS = 22;

type KillKind = "at-placement" | "after-placement" | "at-amend" | "at-cancel" | "timed";
const KINDS: readonly KillKind[] = [
  "at-placement",
  "after-placement",
  "at-amend",
  "at-cancel",
  "timed",
];

interface KillPlan {
  readonly kind: KillKind;
  /** The n-th request of its kind in the run (hooks), or ms after the start (timed). */
  readonly n: number;
  /** ms after the placement (after-placement). */
  readonly delayMs: number;
}

function strategySnapshot(statePath: string): { firstTs: number; twaps: number } | undefined {
  const db = new DatabaseSync(statePath, { readOnly: true });
  try {
    const row = db.prepare("SELECT payload FROM snapshots WHERE name = 'strategy'").get();
    return row === undefined ? undefined : JSON.parse(String(row.payload));
  } finally {
    db.close();
  }
}

// Client ids of the market submits in the outbox (the TWAP children: the quotes are limits);
// `uncommitted`: only those written after the last commit.
function marketSubmits(statePath: string, uncommitted = false): string[] {
  const db = new DatabaseSync(statePath, { readOnly: true });
  try {
    const where = uncommitted ? " AND committed = 0" : "";
    return db.prepare(`SELECT client_order_id, payload FROM outbox WHERE kind = 'submit'${where}`)
      .all()
      .filter((r) => JSON.parse(String(r.payload)).request.type === "market")
      .map((r) => String(r.client_order_id));
  } finally {
    db.close();
  }
}

function algorithmsSnapshot(statePath: string): AlgorithmsSnapshot {
  const db = new DatabaseSync(statePath, { readOnly: true });
  try {
    const row = db.prepare("SELECT payload FROM snapshots WHERE name = 'algorithms'").get();
    assert.ok(row !== undefined, "no algorithms snapshot");
    return JSON.parse(String(row.payload)) as AlgorithmsSnapshot;
  } finally {
    db.close();
  }
}

// What it found, each fixed with a fast test of its own: the start pass adopting the venue's
// position while fills were still on their way to us (tests/lib/live/reconcile_in_flight_test.ts);
// a TWAP child at the venue its restored parent did not count (43 against 42 with seed
// 20261202), the state being committed only when the runner took its next inbox event, after the
// request had left (tests/live/send_after_commit_test.ts); and steps committed without an
// answer whose request never left, left pending for good (tests/lib/live/state/). It runs by
// default, in about 70–95 s here; `KILL_TEST_SEED=N` repeats a seed.
Deno.test({
  name:
    `kill -9 of tesser live run --exec live at ${POINTS} seeded points, restart: no fill lost or doubled, no client id twice, orders, strategy and TWAP state restored (simulator ledger)`,
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const seed = Number(Deno.env.get("KILL_TEST_SEED") ?? 20261202);
  const started = performance.now();
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    accounts: [{ ...SIM_KEY, balance: "100000", leverage: "1" }],
  });
  const dir = await simConfigDir(sim);
  const statePath = join(dir, "state.db");
  const args = [
    "--strategy-config",
    CONFIG,
    "--strategy-module",
    MODULE,
    "--param",
    `symbol=${SYMBOL}`,
    "--quantity",
    "0.004",
    "--state-path",
    statePath,
    "--log-path",
    join(dir, "live.json"),
    "--json",
  ];
  // The simulator's order entry: every id it is asked to place, and the kill hooks.
  const placed: string[] = [];
  interface Run {
    readonly live: LiveProcess;
    readonly plan: KillPlan;
    readonly counts: Record<string, number>;
    hooked: boolean;
  }
  let current: Run | undefined;
  const hit = (kind: "placement" | "amend" | "cancel"): void => {
    if (current === undefined) return;
    const run = current;
    run.counts[kind] = (run.counts[kind] ?? 0) + 1;
    if (run.counts[kind] !== run.plan.n) return;
    if (`at-${kind}` === run.plan.kind) {
      run.hooked = true;
      run.live.signal("SIGKILL");
    } else if (kind === "placement" && run.plan.kind === "after-placement") {
      run.hooked = true;
      setTimeout(() => run.live.signal("SIGKILL"), run.plan.delayMs);
    }
  };
  const exchange = sim.exchange;
  const place = exchange.place.bind(exchange);
  // Market orders the venue refused (a reduce-only TWAP child with the position already flat):
  // a parent counts them as sent.
  const refusedMarket: string[] = [];
  exchange.place = (request) => {
    if (request.clientId !== undefined) placed.push(request.clientId);
    const result = place(request);
    if (!result.ok && request.type === "market") refusedMarket.push(String(request.clientId));
    // Placed at the venue; the process dies before it reads the answer.
    hit("placement");
    return result;
  };
  const amend = exchange.amend.bind(exchange);
  exchange.amend = (accountId, ref, changes) => {
    const result = amend(accountId, ref, changes);
    hit("amend");
    return result;
  };
  const cancel = exchange.cancel.bind(exchange);
  exchange.cancel = (accountId, ref, reason) => {
    const result = cancel(accountId, ref, reason);
    hit("cancel");
    return result;
  };
  const market = new AbortController();
  const replay = sim.market.replay(await captureMarket(), { speed: 2, signal: market.signal });
  const outcomes: string[] = [];
  const uncommittedAtKill = new Set<string>();
  // Error lines of the runs (a start-up reconciliation that had to adopt is one).
  const problems: string[] = [];
  const logs: string[] = [];
  try {
    const rng = mulberry32(seed);
    let firstTs: number | undefined;
    for (let point = 0; point < POINTS; point++) {
      const kind = KINDS[point % KINDS.length];
      const plan: KillPlan = {
        kind,
        n: kind === "timed" ? 300 + Math.floor(rng() * 2500) : 1 + Math.floor(rng() * 4),
        delayMs: 1 + Math.floor(rng() * 15),
      };
      const live = spawnLive(dir, args, 30_000);
      const run: Run = { live, plan, counts: {}, hooked: false };
      current = run;
      // A hook may kill the restart before its session started: the start pass resumes trading
      // before the feeds are up, and a restored TWAP's slice that fell due goes out at once.
      // That is a kill point like any other (the next restart restores from it); any other end
      // before the start is a failure.
      const started = await live.waitFor(/live session started/, 20_000).then(
        () => true,
        (error) => {
          if (run.hooked) return false;
          throw error;
        },
      );
      // A hook that does not come within 4 s (or a timed kill) kills at a time instead.
      const timer = setTimeout(
        () => live.signal("SIGKILL"),
        kind === "timed" ? plan.n : 4_000,
      );
      const status = await live.status;
      clearTimeout(timer);
      current = undefined;
      logs.push(live.stderr());
      assert.equal(status.signal, "SIGKILL", `point ${point} ended by itself:\n${live.stderr()}`);
      // Children the dead process never committed: their parents, restored, do not count them.
      for (const id of marketSubmits(statePath, true)) uncommittedAtKill.add(id);
      // (A fresh state's first reconciliation adopts the venue's wallet: that alert is expected.)
      const errors = live.stderr().split("\n").filter((l) =>
        /ERROR|error:/.test(l) && !/ledger balance 0 USDT, venue 100000/.test(l)
      );
      for (const line of errors) problems.push(`point ${point}: ${line}`);
      outcomes.push(
        !started
          ? `${kind} (before the session started)`
          : kind === "timed" || run.hooked
          ? kind
          : `${kind} (not reached: timed)`,
      );
      // The strategy's state is the first run's, restored every time.
      const snapshot = strategySnapshot(statePath);
      if (snapshot !== undefined && snapshot.firstTs !== 0) {
        firstTs ??= snapshot.firstTs;
        assert.equal(
          snapshot.firstTs,
          firstTs,
          `point ${point}: the strategy state was not restored`,
        );
      }
    }
    // The settling run: the market stops, the restart restores, catches up, finishes the
    // parents that were working, and is stopped cleanly.
    market.abort();
    await replay;
    const settle = spawnLive(dir, args, 30_000);
    await settle.waitFor(/live session started/, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    settle.signal("SIGTERM");
    const status = await settle.status;
    logs.push(settle.stderr());
    assert.equal(status.code, 0, settle.stderr());

    // Every venue fill exactly once, position, wallet, working orders, ids unique.
    const ledgerIds = new Set(sim.ledger.fills().map((f) => f.execId));
    const storedIds = new Set(storedFills(statePath).map((f) => f.tradeId));
    const lost = sim.ledger.fills().filter((f) => !storedIds.has(f.execId));
    assert.deepEqual(
      lost.map((f) => `${f.clientId} ${f.side} ${f.quantity} ${new Date(f.ts).toISOString()}`),
      [],
      "fills lost",
    );
    assert.deepEqual([...storedIds].filter((id) => !ledgerIds.has(id)), [], "fills made up");
    const fills = assertStateMatchesLedger(sim, statePath, SYMBOL, CODE);
    assert.ok(fills >= 20, `only ${fills} fills: too few to prove much`);
    assert.equal(new Set(placed).size, placed.length, `placed twice: ${placed.join(" ")}`);
    const intents = submittedIds(statePath);
    for (const id of placed) assert.ok(intents.includes(id), `${id} placed without an intent`);
    assert.deepEqual(problems, [], "error lines");
    // The algorithm: every market child at the venue is a child its parent counted.
    const algorithms = algorithmsSnapshot(statePath);
    assert.ok(algorithms.parents.length >= 5, `${algorithms.parents.length} TWAP parents`);
    for (const parent of algorithms.parents) {
      assert.notEqual(parent.status, "working", `${parent.parent.id} still working`);
    }
    const children = sim.ledger.orders({ accountId: 0, code: CODE })
      .filter((o) => o.type === "market").length;
    const counted = algorithms.parents.reduce((sum, p) => sum + p.children - p.refused, 0);
    // A parent counts every child it committed: those the venue refused too, and one whose
    // request never left (the kill came first; the restart rejected it as never arrived and the
    // parent sent its lots again). A child never committed never left either.
    const placedIds = new Set(placed);
    const neverLeft = marketSubmits(statePath).filter((id) => !placedIds.has(id));
    const committedNeverLeft = neverLeft.filter((id) => !uncommittedAtKill.has(id)).length;
    assert.equal(
      counted,
      children + refusedMarket.length + committedNeverLeft,
      `TWAP children at the venue ${children} (and ${refusedMarket.length} it refused), ` +
        `${neverLeft.length} never left (${committedNeverLeft} committed) vs counted by their parents`,
    );
    // Every lot the children filled at the venue is booked by its parent, once.
    const lots = (side: string, quantity: number): number =>
      (side === "buy" ? 1 : -1) * Math.round(quantity / 0.001);
    const venueLots = sim.ledger.fills({ accountId: 0, code: CODE })
      .filter((f) => sim.ledger.order(f.orderId)?.type === "market")
      .reduce((sum, f) => sum + lots(f.side, f.quantity.toNumber()), 0);
    const parentLots = algorithms.parents.reduce(
      (sum, p) => sum + (p.parent.side === "buy" ? p.filledLots : -p.filledLots),
      0,
    );
    assert.equal(parentLots, venueLots, "TWAP lots filled at the venue vs booked by their parents");
    console.log(
      `seed ${seed}: ${POINTS} kills (${
        outcomes.join(", ")
      }), ${fills} fills, ${placed.length} orders, ${algorithms.parents.length} parents ` +
        `(${counted} children: ${refusedMarket.length} refused by the venue, ` +
        `${committedNeverLeft} committed that never left), ` +
        `${Math.round(performance.now() - started)} ms`,
    );
  } catch (error) {
    console.log(`kill -9 test failed with seed ${seed} (KILL_TEST_SEED=${seed} repeats it)`);
    // The story of every order the failure names: each run's lines and the venue's states.
    const named = new Set(String(error).match(/TwapMaker-[a-z0-9]+-[a-z0-9]+/g) ?? []);
    for (const id of named) {
      logs.forEach((text, point) => {
        for (const line of text.split("\n")) {
          if (line.includes(id)) console.log(`#${point} ${line}`);
        }
      });
      const venue = sim.ledger.order(id);
      const states = venue === undefined ? [] : sim.ledger.history(venue.orderId);
      console.log(`${id} at the venue: ${states.map((o) => o.status).join(" → ") || "never"}`);
    }
    console.log(logs.slice(-2).join("\n----\n").split("\n").slice(-80).join("\n"));
    throw error;
  } finally {
    current?.live.signal("SIGKILL");
    market.abort();
    await replay.catch(() => {});
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
