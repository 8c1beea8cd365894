/**
 * `tesser data record` against connectors/simulator (Bybit wire protocol on 127.0.0.1): the
 * file holds the header, the connection, and every frame the stream received, in receive order.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { dataCommand } from "../../../cli/data.ts";
import { parseDuration } from "../../../cli/data_record.ts";
import { recordingIo } from "../../../cli/io.ts";
import { startSimulator } from "../../../connectors/simulator/simulator.ts";
import { ConfigError } from "../../../lib/domain/mod.ts";
import { gzipLines } from "./_helpers.ts";
import { startFakeBitmex } from "../bitmex/_fake_bitmex.ts";
import { main } from "../../../cli/main.ts";

const CONFIG_DIR = new URL("../../../config/", import.meta.url).pathname;
const GLOBAL = { env: undefined, configDir: CONFIG_DIR, verbose: false };

Deno.test("data record: a bounded Bybit session from the simulator lands frame by frame in FILE.gz", async () => {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "synthetic", intervalMs: 20 },
  });
  const dir = await Deno.makeTempDir();
  try {
    const output = join(dir, "btc.gz");
    const io = recordingIo();
    const environment = {
      TESSER_EXCHANGE__BYBIT_TESTNET__WS_URL: sim.wsPublicUrl.replace(/\/v5\/public\/linear$/, ""),
      TESSER_EXCHANGE__BYBIT_TESTNET__REST_URL: sim.restUrl,
    };
    const code = await dataCommand(
      [
        "record",
        "--exchange",
        "bybit_testnet",
        "--symbol",
        "BTCUSDT",
        "--channels",
        "book,trades",
        "--output",
        output,
        "--duration",
        "1200ms",
        "--json",
      ],
      io,
      GLOBAL,
      environment,
    );
    assert.equal(code, 0);
    const summary = JSON.parse(io.out[io.out.length - 1]);
    assert.deepEqual(summary.files, [output]);
    assert.equal(summary.dropped, 0);
    assert.ok(summary.frames > 20, `only ${summary.frames} frames in 1.2 s`);
    assert.ok(summary.events > 0);

    const lines = await gzipLines(output);
    const [header, open, ...rest] = lines;
    const meta = JSON.parse(header.slice(header.indexOf("#meta ") + 6));
    assert.equal(meta.format, "tesser-recording");
    assert.equal(meta.venue, "bybit");
    assert.equal(meta.part, 0);
    assert.deepEqual(meta.symbols, ["bybit:BTCUSDT"]);
    assert.deepEqual(meta.channels, ["book", "trades"]);
    assert.match(open, /^\d{19} #open ws:\/\/127\.0\.0\.1:\d+\/v5\/public\/linear$/);
    const frames = rest.filter((l) => !l.includes(" #"));
    assert.equal(frames.length, summary.frames);
    // Every frame is raw Bybit JSON, in receive order, stamped in ns.
    let last = 0n;
    const topics = new Set<string>();
    for (const line of frames) {
      const [time, json] = [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)];
      assert.match(time, /^\d{19}$/);
      assert.ok(BigInt(time) >= last);
      last = BigInt(time);
      const wire = JSON.parse(json);
      if (typeof wire.topic === "string") topics.add(wire.topic.replace(/\.BTCUSDT$/, ""));
    }
    assert.deepEqual([...topics].sort(), ["orderbook.50", "publicTrade"]);
    const snapshot = frames.find((l) => l.includes('"type":"snapshot"'));
    assert.ok(snapshot !== undefined, "the book snapshot is recorded");
    assert.ok(rest.some((l) => /^\d{19} #close /.test(l)), "the close is recorded");
  } finally {
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("data record: clear errors for a bad output name, channel, duration or a venue mismatch", async () => {
  const run = (args: string[]) => dataCommand(["record", ...args], recordingIo(), GLOBAL, {});
  const base = ["--exchange", "bybit_testnet", "--symbol", "BTCUSDT"];
  await assert.rejects(() => run([...base, "--output", "x.jsonl"]), /name it \*\.gz/);
  await assert.rejects(
    () => run([...base, "--output", "x.gz", "--channels", "book,depth"]),
    /unknown channel "depth" \(hint: channels are book, trades, quotes, candles\)/,
  );
  await assert.rejects(
    () => run(["--exchange", "bybit_testnet", "--symbol", "binance:BTCUSDT", "--output", "x.gz"]),
    /binance:BTCUSDT is not a bybit symbol/,
  );
  await assert.rejects(
    () => run(["--exchange", "nope", "--symbol", "BTCUSDT", "--output", "x.gz"]),
    /no \[exchange\.nope\] in the config/,
  );
  await assert.rejects(
    () => run(["--exchange", "bybit_testnet", "--output", "x.gz"]),
    /missing --symbol/,
  );
  assert.throws(() => parseDuration("10 minutes", "duration"), ConfigError);
  assert.equal(parseDuration("10m", "duration"), 600_000);
  assert.equal(parseDuration("1.5s", "duration"), 1500);
});

Deno.test("data record: a BitMEX profile records orderBookL2 frames; the file replays in tick mode", async () => {
  const fake = startFakeBitmex();
  const dir = await Deno.makeTempDir();
  try {
    fake.book = [
      { symbol: "XBTUSD", id: 1, side: "Buy", size: 1000, price: 49999.5 },
      { symbol: "XBTUSD", id: 2, side: "Sell", size: 2000, price: 50000 },
    ];
    const output = join(dir, "xbt.gz");
    const io = recordingIo();
    const recording = dataCommand(
      [
        "record",
        "--exchange",
        "bitmex_testnet",
        "--symbol",
        "XBTUSD",
        "--output",
        output,
        "--duration",
        "800ms",
        "--json",
      ],
      io,
      GLOBAL,
      { TESSER_EXCHANGE__BITMEX_TESTNET__WS_URL: fake.url },
    );
    // Updates only after the subscription (and its partial) went out on the socket.
    const deadline = Date.now() + 5000;
    while (!fake.received.some((t) => t.includes('"op":"subscribe"')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    for (let i = 0; i < 5; i++) {
      fake.push({
        table: "orderBookL2",
        action: "update",
        data: [{
          symbol: "XBTUSD",
          id: 1 + (i % 2),
          side: i % 2 === 0 ? "Buy" : "Sell",
          size: 100 * (i + 1),
        }],
      });
    }
    assert.equal(await recording, 0);
    const summary = JSON.parse(io.out[io.out.length - 1]);
    const lines = await gzipLines(output);
    assert.match(lines[0], /"venue":"bitmex"/);
    assert.ok(lines.some((l) => l.includes('"action":"partial"') && l.includes("orderBookL2")));
    assert.equal(lines.filter((l) => l.includes('"action":"update"')).length, 5);
    assert.equal(summary.dropped, 0);

    const strategy = join(dir, "obi.toml");
    await Deno.writeTextFile(
      strategy,
      'strategy_name = "OrderBookImbalance"\n[params]\nsymbol = "bitmex:XBTUSD"\nquantity = 100\n',
    );
    const replay = recordingIo();
    const code = await main(
      [
        "backtest",
        "run",
        "--mode",
        "tick",
        "--strategy-config",
        strategy,
        "--lob-data",
        output,
        "--json",
      ],
      replay,
    );
    assert.equal(code, 0, replay.err.join("\n"));
    const report = JSON.parse(replay.out.join("\n"));
    assert.equal(report.diagnostics.events.marketData, 6); // the partial and five deltas
    assert.equal(report.diagnostics.recordings[0].venue, "bitmex");
    assert.equal(report.diagnostics.recordings[0].snapshots, 1);
  } finally {
    await fake.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
