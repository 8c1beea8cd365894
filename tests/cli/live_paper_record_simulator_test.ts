/**
 * `tesser live run --exec paper --record FILE.gz` against connectors/simulator on 127.0.0.1:
 * OrderBookImbalance (and a market maker) trades the simulator's live Bybit book on the paper tick venue while the
 * session records every frame it receives; then `tesser backtest run --mode tick --lob-data
 * FILE.gz` with the same strategy and config replays the recording and gives exactly the
 * session's fills (ids, times, prices, quantities, fees).
 */

import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import { startSimulator } from "../../connectors/simulator/simulator.ts";
import { type StoredFill, storedFills } from "../live/_live_cli.ts";

const STRATEGY = `strategy_name = "OrderBookImbalance"

[params]
symbol = "bybit:BTCUSDT"
depth = 5
level_decay = 0.5
enter_threshold = 0.3
exit_threshold = 0.05
quantity = 0.01
cooldown_ms = 250
`;

// `2026-06-01T12:00:00.123456Z` → µs.
function isoMicros(text: string): number {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z$/.exec(text);
  assert.ok(match !== null, `not an ISO time: ${text}`);
  const fraction = (match[2] ?? "").padEnd(6, "0");
  return Date.parse(`${match[1]}Z`) * 1000 + Number(fraction);
}

async function replayFills(csvPath: string): Promise<StoredFill[]> {
  const [header, ...lines] = (await Deno.readTextFile(csvPath)).trim().split("\n");
  const columns = header.split(",");
  const at = (name: string): number => columns.indexOf(name);
  return lines.map((line) => {
    const cells = line.split(",");
    return {
      ts: isoMicros(cells[at("ts")]),
      tradeId: cells[at("tradeId")],
      clientOrderId: cells[at("clientOrderId")],
      side: cells[at("side")],
      price: cells[at("price")],
      quantity: cells[at("qty")],
      fee: cells[at("fee")],
    };
  });
}

const MARKET_MAKER = `strategy_name = "AvellanedaStoikov"

[params]
symbol = "bybit:BTCUSDT"
gamma = 0.01
infinite_horizon = true
horizon_secs = 60
order_quantity = 0.01
max_inventory = 0.05
refresh_ms = 150
min_spread_ticks = 1
sample_ms = 50
volatility_half_life = 60
intensity_window = 500
depth_ticks = 10
min_samples = 10
`;

interface SessionAndReplay {
  readonly sessionFills: readonly StoredFill[];
  readonly replayFills: readonly StoredFill[];
  readonly recordingLines: readonly string[];
  readonly report: { readonly diagnostics: Readonly<Record<string, unknown>> };
  readonly liveErr: string;
  readonly liveOut: string;
}

/** A paper session recording itself on the simulator's Bybit book, then its tick replay. */
async function recordAndReplay(
  strategy: string,
  duration: string,
  venue: "bybit" | "binance" = "bybit",
): Promise<SessionAndReplay> {
  const sim = await startSimulator({
    venue,
    market: { kind: "synthetic", intervalMs: 25 },
  });
  const dir = await Deno.makeTempDir({ prefix: "tesser-paper-record-" });
  try {
    await Deno.copyFile("config/default.toml", `${dir}/default.toml`);
    await Deno.writeTextFile(
      `${dir}/local.toml`,
      `[exchange.sim]
driver = "${venue}"
rest_url = "${sim.restUrl}"
ws_url = "${sim.wsPublicUrl.replace(/\/v5\/public\/linear$|\/public$/, "")}"
`,
    );
    await Deno.writeTextFile(`${dir}/strategy.toml`, strategy.replace("bybit:", `${venue}:`));
    const recording = `${dir}/session.gz`;
    const common = [
      "--strategy-config",
      `${dir}/strategy.toml`,
      "--markets-file",
      "config/markets.toml",
      "--initial-equity",
      "10000",
      "--latency-ms",
      "5",
    ];
    const live = recordingIo();
    const code = await main([
      "--config-dir",
      dir,
      "live",
      "run",
      ...common,
      "--exchange",
      "sim",
      "--exec",
      "paper",
      "--record",
      recording,
      "--duration",
      duration,
      "--state-path",
      `${dir}/state.db`,
      "--log-path",
      `${dir}/live.json`,
      "--metrics-addr",
      "127.0.0.1:0",
    ], live);
    assert.equal(code, 0, live.err.join("\n"));
    const text = new TextDecoder().decode(gunzipSync(await Deno.readFile(recording)));
    const replay = recordingIo();
    const replayCode = await main([
      "--config-dir",
      dir,
      "backtest",
      "run",
      "--mode",
      "tick",
      ...common,
      "--lob-data",
      recording,
      "--output-dir",
      `${dir}/replay`,
    ], replay);
    assert.equal(replayCode, 0, replay.err.join("\n"));
    return {
      sessionFills: storedFills(`${dir}/state.db`),
      replayFills: await replayFills(`${dir}/replay/fills.csv`),
      recordingLines: text.trim().split("\n"),
      report: JSON.parse(await Deno.readTextFile(`${dir}/replay/report.json`)),
      liveErr: live.err.join("\n"),
      liveOut: live.out.join("\n"),
    };
  } finally {
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("live run --exec paper --record on the simulator's Bybit book: a tick replay of the recording gives the session's fills exactly", async () => {
  const run = await recordAndReplay(STRATEGY, "3s");
  assert.match(run.liveErr, /paper execution \(tick matching\)/);
  assert.match(run.liveErr, /recording to .*session\.gz/);
  assert.match(run.liveOut, /recorded: \d+ frames/);
  // The recording: a header saying how it replays, frames, and the session's end last.
  const lines = run.recordingLines;
  assert.match(lines[0], /#meta .*"venueClock":"receive"/);
  assert.match(lines[lines.length - 1], /^\d+ #timer @live\/end$/);
  assert.ok(lines.filter((l) => /^\d+ \{/.test(l)).length > 50, "frames recorded");
  assert.ok(
    run.sessionFills.length >= 4,
    `the strategy should trade (fills: ${run.sessionFills.length})`,
  );
  assert.deepEqual(run.replayFills, run.sessionFills);
});

Deno.test("live run --exec paper --record with a market maker: the replay fires the session's recorded timers at their times and gives its fills", async () => {
  const run = await recordAndReplay(MARKET_MAKER, "2s");
  const timers = run.report.diagnostics.sessionTimers as Record<string, unknown>;
  assert.ok(
    Number(timers.recorded) >= 5,
    `the quote timer should fire (${JSON.stringify(timers)})`,
  );
  assert.deepEqual(timers, { recorded: timers.recorded, replayed: timers.recorded, same: true });
  assert.ok(run.recordingLines.some((l) => /#timer AvellanedaStoikov\S*\/quote \d+$/.test(l)));
  assert.deepEqual(run.replayFills, run.sessionFills);
});

Deno.test("live run --record on the paper sandbox is refused: it has no frames to record", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tesser-paper-record-" });
  try {
    const io = recordingIo();
    const code = await main([
      "live",
      "run",
      "--strategy-config",
      "examples/strategies/sma_cross.toml",
      "--record",
      `${dir}/x.gz`,
      "--max-events",
      "1",
      "--state-path",
      `${dir}/state.db`,
      "--log-path",
      `${dir}/live.json`,
      "--metrics-addr",
      "127.0.0.1:0",
    ], io);
    assert.equal(code, 2);
    assert.match(io.err.join("\n"), /paper sandbox: it has no frames to record/);
    const bad = recordingIo();
    assert.equal(
      await main([
        "live",
        "run",
        "--strategy-config",
        "examples/strategies/sma_cross.toml",
        "--record",
        `${dir}/x.txt`,
      ], bad),
      2,
    );
    assert.match(bad.err.join("\n"), /flag --record: ".*x\.txt" must end in \.gz/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("live run --exec paper --record on the simulator's Binance book (REST depth snapshot): a tick replay of the recording gives the session's fills exactly", async () => {
  const run = await recordAndReplay(STRATEGY, "3s", "binance");
  assert.ok(
    run.recordingLines.some((l) => /^\d+ #rest GET \/fapi\/v1\/depth\?/.test(l)),
    "the depth snapshot is recorded",
  );
  assert.ok(
    run.sessionFills.length >= 4,
    `the strategy should trade (fills: ${run.sessionFills.length})`,
  );
  assert.deepEqual(run.replayFills, run.sessionFills);
});

Deno.test("live run --exec paper --record with a market maker on the simulator's Binance book: the replay gives the session's fills", async () => {
  const run = await recordAndReplay(MARKET_MAKER, "3s", "binance");
  assert.ok(run.sessionFills.length >= 1, `the maker should trade (${run.sessionFills.length})`);
  assert.deepEqual(run.replayFills, run.sessionFills);
});
