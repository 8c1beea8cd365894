/**
 * One `tesser live run --exec live` against connectors/simulator (Bybit on 127.0.0.1) while a
 * seeded fault schedule injects 50 faults — disconnects of the public and private streams,
 * book sequence gaps, 429s, order requests that are carried out but never answered, and
 * 503-unknowns — and a local webhook receiver collects the alerts. A strategy trades steadily
 * throughout. On the SIMULATOR's ledger: every order we intended is placed once or was refused
 * before it reached the venue (never lost, never twice), and every fill is in our store once;
 * the data-gap and the failure-streak alerts reach the receiver with figures within their
 * thresholds.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import { parseFaultSchedule, runFaultSchedule } from "../../connectors/simulator/fault_schedule.ts";
import { openSqliteFile } from "../../lib/live/state/sqlite_store.ts";
import { startReceiver } from "../lib/live/ops/_receiver.ts";
import { until } from "../_until.ts";
import { liveRunArgs, simConfigDir, startSimAccount } from "../live/_live_cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const GAP_LIMIT_SECS = 2;
const FAILURE_LIMIT = 2;

// 50 faults within the first 30 s of the session. Every kind is one the issue names: stream
// drops and closes (disconnects), skipped book deltas (sequence gaps), 429s (four in a row
// make one order fail: the client retries a 429 three times), timeouts (placed, never
// answered: the acknowledgement times out) and 503-unknowns (placed, answered 503); one
// stall of the public stream is the data gap.
const SCHEDULE = `
seed = 16

[[fault]]
kind = "ws-drop"
stream = "public"
at_ms = 1500
every_ms = 3000
times = 6
jitter_ms = 300

[[fault]]
kind = "ws-close"
stream = "public"
code = 1011
reason = "injected"
at_ms = 2500
every_ms = 5000
times = 4
jitter_ms = 300

[[fault]]
kind = "ws-drop"
stream = "private"
at_ms = 2000
every_ms = 5000
times = 5
jitter_ms = 300

[[fault]]
kind = "ws-close"
stream = "private"
code = 1011
reason = "injected"
at_ms = 3500
every_ms = 5000
times = 5
jitter_ms = 300

[[fault]]
kind = "ws-skip"
stream = "public"
at_ms = 1000
every_ms = 2500
times = 10
jitter_ms = 200

[[fault]]
kind = "ws-stall"
stream = "public"
ms = 3500
at_ms = 19000

[[fault]]
kind = "http-status"
status = 429
path = "/v5/order/create"
count = 8
at_ms = 16000

[[fault]]
kind = "http-timeout"
path = "/v5/order/create"
at_ms = 4000
every_ms = 7000
times = 4

[[fault]]
kind = "unknown-status"
path = "/v5/order/create"
at_ms = 3000
every_ms = 4000
times = 7
`;

/** How many faults of the schedule hit something (an `http-status` with count 8 hits 8 requests). */
const EXPECTED_FAULTS = 6 + 4 + 5 + 5 + 10 + 1 + 8 + 4 + 7;

interface LogLine {
  readonly component: string;
  readonly message: string;
  readonly clientOrderId?: string;
  readonly status?: string;
}

Deno.test("live run --exec live under 50 injected faults: no order lost or placed twice, every fill once, data-gap and failure-streak alerts reach the webhook within their thresholds", async () => {
  assert.equal(EXPECTED_FAULTS, 50, "the schedule holds 50 faults");
  const sim = await startSimAccount("bybit");
  const receiver = startReceiver([200]);
  const dir = await simConfigDir(
    sim,
    `\n[live]\nreconciliation_interval_secs = 5\n\n[live.account]\non_mismatch = "adopt"\n`,
  );
  let cancelSchedule = (): void => {};
  let driving = true;
  try {
    const book = (step: number) => {
      sim.market.updateBook(
        "BTCUSDT",
        [[49_999.5, 5 + (step % 3)], [49_999, 8]],
        [[50_000.5, 5 + (step % 2)], [50_001, 8]],
      );
    };
    sim.market.setBook("BTCUSDT", [[49_999.5, 5], [49_999, 8]], [[50_000.5, 5], [50_001, 8]]);
    const io = recordingIo();
    const run = main(
      liveRunArgs(
        dir,
        "--strategy-module",
        join(ROOT, "tests/testdata/live/steady_trader.ts"),
        "--strategy-config",
        join(ROOT, "tests/testdata/live/steady_trader.toml"),
        "--duration",
        "42s",
        "--webhook-url",
        receiver.url,
        "--alert-max-data-gap-secs",
        String(GAP_LIMIT_SECS),
        "--alert-max-order-failures",
        String(FAILURE_LIMIT),
        "--json",
      ),
      io,
    );
    let exit: number | undefined;
    const ended = run.then((code) => exit = code, (error) => {
      exit = -1;
      throw error;
    });
    await until(
      () => exit !== undefined || io.err.some((line) => /live session started/.test(line)),
      "the session to start",
      20_000,
    );
    assert.equal(exit, undefined, io.err.join("\n"));
    cancelSchedule = runFaultSchedule(parseFaultSchedule(SCHEDULE, "schedule.toml"), sim.faults);
    const started = Date.now();
    // The market: a trade and a book change every 150 ms until the run ends.
    const driver = (async () => {
      for (let step = 0; driving && exit === undefined; step++) {
        book(step);
        sim.market.trade("BTCUSDT", step % 2 === 0 ? "buy" : "sell", 50_000, 0.001);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();
    // After the last fault (30 s), while the session still runs: every disconnect came back
    // within its backoff, so no supervised task counts a failure.
    await until(() => exit !== undefined || Date.now() - started > 36_000, "the faults", 40_000);
    const control = JSON.parse(await Deno.readTextFile(`${dir}/state.db.control.json`));
    const health = await (await fetch(`http://${control.addr}/health`)).json();
    const scrape = await (await fetch(`http://${control.addr}/metrics`)).text();
    // The market goes quiet for the last seconds, so no order is in flight when the run stops
    // (a fill the venue makes after the shutdown is the next start's to recover).
    driving = false;
    await driver;
    await ended;
    assert.equal(exit, 0, io.err.join("\n"));
    const summary = JSON.parse(io.out.join("\n"));

    // Every fault of the schedule happened.
    const faults = sim.faults.log();
    assert.equal(
      faults.length,
      EXPECTED_FAULTS,
      `faults that happened: ${JSON.stringify(faults.map((f) => f.kind))}`,
    );

    const log: LogLine[] = (await Deno.readTextFile(`${dir}/live.json`)).trim().split("\n")
      .map((line) => JSON.parse(line));
    const statuses = new Map<string, string[]>();
    for (const line of log) {
      if (line.component !== "execution" || line.clientOrderId === undefined) continue;
      if (line.status === undefined) continue;
      statuses.set(line.clientOrderId, [...statuses.get(line.clientOrderId) ?? [], line.status]);
    }

    // Orders: each intent in the outbox (written before its request left) is at the venue
    // exactly once, or was refused before it reached the venue (the 429s).
    const db = openSqliteFile(`${dir}/state.db`, true);
    const intents = db.prepare("SELECT client_order_id AS id, kind FROM outbox ORDER BY seq")
      .all() as { id: string; kind: string }[];
    const storeFills = db.prepare("SELECT trade_id AS id, quantity, price FROM fills").all() as {
      id: string;
      quantity: string;
      price: string;
    }[];
    db.close();
    const submitted = [
      ...new Set(
        intents.filter((row) => row.kind === "submit").map((row) => row.id),
      ),
    ];
    const venueOrders = sim.ledger.orders({ accountId: 0 });
    const placed = venueOrders.map((o) => o.clientId);
    assert.equal(new Set(placed).size, placed.length, "no client id placed twice");
    assert.ok(submitted.length >= 40, `the strategy traded steadily (${submitted.length} orders)`);
    const refused: string[] = [];
    for (const id of submitted) {
      const atVenue = placed.filter((p) => p === id).length;
      if (atVenue === 1) continue;
      assert.equal(atVenue, 0);
      assert.ok(
        statuses.get(id)?.includes("rejected"),
        `${id} is neither at the venue nor refused: lost (${statuses.get(id)})`,
      );
      refused.push(id);
    }
    for (const id of placed) assert.ok(submitted.includes(id ?? ""), `${id} at the venue is ours`);
    assert.ok(refused.length >= FAILURE_LIMIT, `the 429s refused orders (${refused.length})`);
    assert.equal(summary.orders, submitted.length);

    // Fills: every fill of the ledger once in our store, nothing else.
    const ledgerFills = sim.ledger.fills({ accountId: 0 });
    assert.ok(ledgerFills.length >= 30, `fills: ${ledgerFills.length}`);
    assert.deepEqual(
      storeFills.map((f) => f.id).sort(),
      ledgerFills.map((f) => f.execId).sort(),
    );
    assert.equal(summary.fills, ledgerFills.length);

    // Alerts that reached the receiver.
    await until(() => receiver.bodies.length > 0, "alerts", 1000);
    const codes = receiver.bodies.map((b) => b.code);
    const gap = receiver.bodies.find((b) => b.code === "data-gap");
    assert.ok(gap !== undefined, `a data-gap alert (got ${codes.join(", ")})`);
    const gapFields = gap.fields as { gapSecs: number; limitSecs: number; symbol: string };
    assert.equal(gapFields.symbol, "bybit:BTCUSDT");
    assert.equal(gapFields.limitSecs, GAP_LIMIT_SECS);
    // Raised once the gap passed the limit, at the next check (a quarter of the limit later).
    assert.ok(
      gapFields.gapSecs > GAP_LIMIT_SECS && gapFields.gapSecs <= GAP_LIMIT_SECS + 1,
      `gap ${gapFields.gapSecs} s`,
    );
    assert.match(
      String(gap.text),
      /^\[CRITICAL\] tesser SteadyTrader: no market data on bybit:BTCUSDT for \d+(\.\d)? s \(limit 2 s\)$/,
    );
    assert.ok(codes.includes("data-gap-resolved"), "and data came back");
    const streak = receiver.bodies.find((b) => b.code === "order-failures");
    assert.ok(streak !== undefined, `an order-failures alert (got ${codes.join(", ")})`);
    const streakFields = streak.fields as { streak: number; limit: number };
    assert.equal(streakFields.limit, FAILURE_LIMIT);
    assert.equal(streakFields.streak, FAILURE_LIMIT, "raised when the streak reached the limit");
    assert.match(String(streak.text), /2 order requests failed in a row \(limit 2\)/);
    // The disconnects were many within the storm window.
    assert.ok(codes.includes("disconnect-storm"), `a disconnect storm (got ${codes.join(", ")})`);
    // The supervised tasks never counted a failure: every disconnect came back within its backoff.
    assert.ok(!codes.includes("circuit-open"), `no circuit opened (got ${codes.join(", ")})`);
    for (const task of ["market:bybit", "execution:bybit"]) {
      assert.equal(health.checks[task]?.state, "up", `${task}: ${JSON.stringify(health)}`);
      assert.equal(health.checks[task].recentFailures, 0, `${task}: ${JSON.stringify(health)}`);
    }
    const reconnects = (channel: string): number => {
      const line = scrape.split("\n").find((l) =>
        l.startsWith("tesser_reconnects_total{") && l.includes(`channel="${channel}"`)
      );
      return Number(line?.split(" ").at(-1) ?? 0);
    };
    // 10 faults hit each stream; two that land within one reconnect (the schedule puts a public
    // drop and a close both near 7.5 s) take down one connection, so one disconnect may merge.
    assert.ok(reconnects("market") >= 8, `market reconnects ${reconnects("market")}`);
    assert.ok(reconnects("execution") >= 8, `execution reconnects ${reconnects("execution")}`);
    assert.match(scrape, /tesser_data_gap_seconds\{strategy="SteadyTrader"\} \d/);
  } finally {
    driving = false;
    cancelSchedule();
    await receiver.close();
    await sim.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
