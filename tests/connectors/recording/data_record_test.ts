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
