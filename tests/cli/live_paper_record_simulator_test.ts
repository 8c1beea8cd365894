/**
 * `tesser live run --exec paper --record FILE.gz` against connectors/simulator on 127.0.0.1:
 * OrderBookImbalance trades the simulator's live Bybit book on the paper tick venue while the
 * session records every frame it receives; then `tesser backtest run --mode tick --lob-data
 * FILE.gz` with the same strategy and config replays the recording and gives exactly the
 * session's fills (ids, times, prices, quantities, fees).
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { gunzipSync } from "node:zlib";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import { startSimulator } from "../../connectors/simulator/simulator.ts";

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

interface FillRow {
  readonly ts: number;
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly side: string;
  readonly price: string;
  readonly quantity: string;
  readonly fee: string;
}

// `2026-06-01T12:00:00.123456Z` → µs.
function isoMicros(text: string): number {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z$/.exec(text);
  assert.ok(match !== null, `not an ISO time: ${text}`);
  const fraction = (match[2] ?? "").padEnd(6, "0");
  return Date.parse(`${match[1]}Z`) * 1000 + Number(fraction);
}

function liveFills(statePath: string): FillRow[] {
  const db = new DatabaseSync(statePath, { readOnly: true });
  try {
    const rows = db.prepare(
      "SELECT ts, trade_id, client_order_id, side, price, quantity, fee FROM fills ORDER BY seq",
    ).all() as Record<string, string | number>[];
    return rows.map((r) => ({
      ts: Number(r.ts),
      tradeId: String(r.trade_id),
      clientOrderId: String(r.client_order_id),
      side: String(r.side),
      price: String(r.price),
      quantity: String(r.quantity),
      fee: String(r.fee),
    }));
  } finally {
    db.close();
  }
}

async function replayFills(csvPath: string): Promise<FillRow[]> {
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

Deno.test("live run --exec paper --record on the simulator's Bybit book: a tick replay of the recording gives the session's fills exactly", async () => {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "synthetic", intervalMs: 25 },
  });
  const dir = await Deno.makeTempDir({ prefix: "tesser-paper-record-" });
  try {
    await Deno.copyFile("config/default.toml", `${dir}/default.toml`);
    await Deno.writeTextFile(
      `${dir}/local.toml`,
      `[exchange.sim]
driver = "bybit"
rest_url = "${sim.restUrl}"
ws_url = "${sim.wsPublicUrl.replace(/\/v5\/public\/linear$/, "")}"
`,
    );
    await Deno.writeTextFile(`${dir}/obi.toml`, STRATEGY);
    const recording = `${dir}/session.gz`;
    const common = [
      "--strategy-config",
      `${dir}/obi.toml`,
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
      "3s",
      "--state-path",
      `${dir}/state.db`,
      "--log-path",
      `${dir}/live.json`,
      "--metrics-addr",
      "127.0.0.1:0",
    ], live);
    assert.equal(code, 0, live.err.join("\n"));
    const err = live.err.join("\n");
    assert.match(err, /paper execution \(tick matching\)/);
    assert.match(err, /recording to .*session\.gz/);
    assert.match(live.out.join("\n"), /recorded: \d+ frames/);

    // The recording: a header saying how it replays, frames, and the session's end last.
    const text = new TextDecoder().decode(gunzipSync(await Deno.readFile(recording)));
    const lines = text.trim().split("\n");
    assert.match(lines[0], /#meta .*"venueClock":"receive"/);
    assert.match(lines[lines.length - 1], /^\d+ #timer @live\/end$/);
    assert.ok(lines.filter((l) => /^\d+ \{/.test(l)).length > 50, "frames recorded");

    const sessionFills = liveFills(`${dir}/state.db`);
    assert.ok(
      sessionFills.length >= 4,
      `the strategy should trade (fills: ${sessionFills.length})`,
    );

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
    const replayed = await replayFills(`${dir}/replay/fills.csv`);
    assert.deepEqual(replayed, sessionFills);
  } finally {
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
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
