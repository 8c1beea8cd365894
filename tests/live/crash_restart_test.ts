/**
 * kill -9 at seeded crash points, then restart (issue 16): a live session (`_crash_child.ts`:
 * TradingSession + executionClientPort over the Bybit connector, the SQLite live store with the
 * outbox in front of the venue) trades against the simulator while this test prints trades
 * through its quotes — also while the child is dead — and kills it at 24 seeded points: each
 * crash hook (after the intent is written, with the request on the wire, after an ack, after a
 * fill, after a commit) and at random times. Every restart restores from the store, catches up
 * with the venue and resolves its working orders by client id. The assertions are on the
 * simulator's ledger: every fill booked exactly once, the position equal, no client id placed
 * twice, the working orders equal to the venue's open orders.
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { type Simulator, startSimulator } from "../../connectors/simulator/simulator.ts";
import { mulberry32 } from "../lib/indicators/_fixtures.ts";
import type { ChildConfig, CrashHook } from "./_crash_child.ts";

const CHILD = new URL("./_crash_child.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;
const KEY = { apiKey: "crash-key", apiSecret: "crash-secret" };
const HOOKS: readonly CrashHook[] = [
  "after-intent",
  "after-send",
  "after-ack",
  "after-fill",
  "after-commit",
];

interface ChildRun {
  readonly code: number;
  readonly lines: readonly string[];
  readonly stderr: string;
}

async function runChild(config: ChildConfig, killAfterMs?: number): Promise<ChildRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--config",
      CONFIG,
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-net=127.0.0.1",
      "--allow-run",
      CHILD,
      JSON.stringify(config),
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const lines: string[] = [];
  const reader = (async () => {
    const decoder = child.stdout.pipeThrough(new TextDecoderStream());
    let buffer = "";
    for await (const chunk of decoder) {
      buffer += chunk;
      let at: number;
      while ((at = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 1);
        lines.push(line);
        // A timed kill counts from the moment the child trades.
        if (line === "ready" && killAfterMs !== undefined) {
          timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
        }
      }
    }
  })();
  const stderr = new Response(child.stderr).text();
  // A bound on every child: nothing here may hang the suite.
  const guard = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const status = await child.status;
  clearTimeout(guard);
  if (timer !== undefined) clearTimeout(timer);
  await reader;
  return { code: status.code, lines, stderr: await stderr };
}

function placeLog(sim: Simulator): string[] {
  const placed: string[] = [];
  const exchange = sim.exchange;
  const place = exchange.place.bind(exchange);
  exchange.place = (request) => {
    if (request.clientId !== undefined) placed.push(request.clientId);
    return place(request);
  };
  return placed;
}

Deno.test({
  name:
    "kill -9 at 24 seeded points, restart: no fill lost or doubled, no client id placed twice, orders and position restored",
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "100000" }],
  });
  const dir = Deno.makeTempDirSync({ prefix: "tesser_crash_" });
  let printing = true;
  try {
    sim.market.setBook("BTCUSDT", [[49_990, 5]], [[50_010, 5]]);
    const placed = placeLog(sim);
    // Trades through the quotes (±2..5 from 50,000) keep filling them, dead child or not.
    const printer = (async () => {
      let i = 0;
      while (printing) {
        const up = i++ % 2 === 0;
        sim.market.trade("BTCUSDT", up ? "buy" : "sell", up ? 50_006 : 49_994, 0.001);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const base: ChildConfig = {
      restUrl: sim.restUrl,
      wsPrivateUrl: sim.wsPrivateUrl,
      ...KEY,
      statePath: `${dir}/state.db`,
      lockKey: "bybit:crash:BTCUSDT",
      sinceMs: Date.now() - 1000,
      runMs: 3000,
    };
    // Seeded, so every run kills at the same points.
    const rng = mulberry32(20261202);
    const crashes: string[] = [];
    let adopted = 0;
    let replayed = 0;
    let neverArrived = 0;
    for (let point = 0; point < 24; point++) {
      // The last kills find quotes resting: the settling restart must restore them.
      if (point === 20) {
        printing = false;
        await printer;
      }
      // Each hook four times (at its 1st..8th pass), then four kills at random times.
      const timed = point >= HOOKS.length * 4;
      const hook = HOOKS[point % HOOKS.length];
      const config: ChildConfig = timed
        ? base
        : { ...base, crash: { hook, n: 1 + Math.floor(rng() * 8) } };
      const run = await runChild(config, timed ? 100 + Math.floor(rng() * 900) : undefined);
      const crashed = run.lines.find((l) => l.startsWith("crash "));
      assert.ok(
        run.code !== 0 || run.lines.some((l) => l.includes("summary")),
        `point ${point}: child failed: ${run.stderr}`,
      );
      assert.equal(run.stderr.includes("error"), false, `point ${point}: ${run.stderr}`);
      crashes.push(timed ? `timed:${run.code === 137 ? "killed" : "ran out"}` : crashed ?? "none");
      for (const line of run.lines) {
        const restored = /^restored \w+ adopted=(\d+) fills=(\d+)$/.exec(line);
        if (restored !== null) {
          adopted += Number(restored[1]);
          replayed += Number(restored[2]);
        }
        if (line.startsWith("never arrived ")) neverArrived++;
      }
    }
    // Every hook fired at least once (a hook whose pass never came is no crash point).
    for (const hook of HOOKS) {
      assert.ok(crashes.includes(`crash ${hook}`), `${hook} never hit: ${crashes.join(", ")}`);
    }
    assert.ok(crashes.filter((c) => c === "timed:killed").length >= 3, crashes.join(", "));
    // The crash points between an intent and its answer were really crossed: orders adopted
    // from the outbox, fills booked again from the store, requests proven never to arrive.
    assert.ok(adopted >= 2, `adopted ${adopted}`);
    assert.ok(replayed >= 1, `replayed ${replayed}`);
    assert.ok(neverArrived >= 1, `never arrived ${neverArrived}`);

    // The last restart settles: restore, catch up, resolve; no new orders.
    const settle = await runChild({ ...base, settle: true });
    assert.equal(settle.code, 0, settle.stderr);
    const summaryLine = settle.lines.find((l) => l.startsWith('{"summary"'));
    assert.ok(summaryLine !== undefined, settle.lines.join("\n"));
    const summary = JSON.parse(summaryLine).summary as {
      position: string;
      working: string[];
      ambiguous: string[];
    };

    const ours = (id: string | undefined): boolean => id?.startsWith("crash-") === true;
    const ledgerFills = sim.ledger.fills().filter((f) => ours(f.clientId));
    assert.ok(ledgerFills.length >= 20, `only ${ledgerFills.length} fills: too few to prove much`);
    // I2: every venue fill recorded exactly once (the store keys fills by symbol + trade id).
    const db = new DatabaseSync(base.statePath, { readOnly: true });
    const stored = db.prepare("SELECT trade_id FROM fills").all().map((r) => String(r.trade_id));
    const outbox = db.prepare("SELECT client_order_id, kind FROM outbox ORDER BY seq").all();
    db.close();
    assert.deepEqual(new Set(stored), new Set(ledgerFills.map((f) => f.execId)), "lost fills");
    assert.equal(stored.length, ledgerFills.length);
    // I3: the booked position is the venue's (a fill booked twice or lost would move it).
    const venuePosition = ledgerFills.reduce(
      (sum, f) => sum + (f.side === "buy" ? 1 : -1) * f.quantity.toNumber(),
      0,
    );
    assert.equal(Number(summary.position), Number(venuePosition.toFixed(3)));
    // I4: no client id placed twice, and every placed id came from an intent in the outbox.
    assert.equal(new Set(placed).size, placed.length, `placed twice: ${placed.join(", ")}`);
    const submits = outbox.filter((r) => r.kind === "submit").map((r) => String(r.client_order_id));
    assert.equal(new Set(submits).size, submits.length, "an id was used for two submits");
    for (const id of placed) assert.ok(submits.includes(id), `${id} placed without an intent`);
    // I1: the working orders restored are exactly the venue's open orders, none left ambiguous.
    const open = sim.ledger.orders().filter((o) =>
      ours(o.clientId) && (o.status === "new" || o.status === "partially-filled")
    ).map((o) => String(o.clientId));
    assert.deepEqual([...summary.working].sort(), [...open].sort());
    assert.deepEqual(summary.ambiguous, []);
  } finally {
    printing = false;
    await sim.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});
