import assert from "node:assert/strict";
import { join } from "node:path";
import { dataCommand } from "../../cli/data.ts";
import { recordingIo } from "../../cli/io.ts";
import { batchToCandles, readCandleParquet, validateCandles } from "../../lib/data/mod.ts";
import { ConfigError, fromIso } from "../../lib/domain/mod.ts";
import { ok, startFakeBybit } from "../connectors/bybit/_fake_bybit.ts";
import { downloadArgs } from "./_download_args.ts";

const CONFIG_DIR = new URL("../../config/", import.meta.url).pathname;
const GLOBAL = { env: undefined, configDir: CONFIG_DIR, verbose: false };
const FROM = fromIso("2024-01-01T00:00:00Z") / 1000;

Deno.test("data download: pages klines into Parquet; an interrupted download resumes where it stopped; the file validates clean", async () => {
  const fake = startFakeBybit();
  const dir = await Deno.makeTempDir();
  try {
    const starts: number[] = [];
    let failAfter = 2;
    fake.route("/v5/market/kline", (request) => {
      const query = new URLSearchParams(request.query);
      const start = Number(query.get("start"));
      const end = Number(query.get("end"));
      starts.push(start);
      if (failAfter-- === 0) return new Response("Bad Gateway", { status: 502 });
      const rows: string[][] = [];
      for (let t = start; t <= end; t += 60_000) {
        const price = String(40000 + ((t - FROM) / 60_000) % 11);
        rows.push([String(t), price, price, price, price, "2", "80000"]);
      }
      return ok({ list: rows.reverse() });
    });
    const environment = { TESSER_EXCHANGE__BYBIT_TESTNET__REST_URL: fake.url };
    const args = downloadArgs("bybit_testnet", "bybit:BTCUSDT", dir);
    const first = recordingIo();
    await assert.rejects(
      () => dataCommand(args, first, GLOBAL, environment),
      /bybit unavailable: \/v5\/market\/kline: HTTP 502/,
    );
    assert.equal(first.out.filter((l) => JSON.parse(l).event === "progress").length, 2);
    const output = join(dir, "bybit_BTCUSDT_1m_2024-01-01_2024-01-03.parquet");
    const staged = (await Deno.readTextFile(`${output}.partial`)).trim().split("\n");
    assert.equal(staged.length, 2000);

    const second = recordingIo();
    assert.equal(await dataCommand(args, second, GLOBAL, environment), 0);
    // The rerun started right after the 2000 bars it had.
    assert.equal(starts[3], FROM + 2000 * 60_000);
    assert.deepEqual(JSON.parse(second.out[0]), {
      event: "resume",
      bars: 2000,
      from: "2024-01-02T09:20:00Z",
    });
    const done = JSON.parse(second.out.at(-1) ?? "{}");
    assert.deepEqual(done, { event: "done", output, rows: 3600 });
    const batches = [];
    for await (const batch of readCandleParquet(output)) batches.push(batch);
    const candles = batches.flatMap(batchToCandles);
    assert.equal(candles.length, 3600);
    assert.equal(candles[0].openTime, fromIso("2024-01-01T00:00:00Z"));
    const report = await validateCandles(batches);
    assert.equal(report.ok, true);
    assert.equal(report.missingBars, 0);
    await assert.rejects(() => Deno.stat(`${output}.partial`), Deno.errors.NotFound);
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("data download: clear errors for a missing profile, a non-bybit driver, missing flags", async () => {
  const base = [
    "download",
    "--symbol",
    "bybit:BTCUSDT",
    "--from",
    "2024-01-01",
    "--to",
    "2024-01-02",
    "--output",
    "/tmp/x",
  ];
  await assert.rejects(
    () => dataCommand([...base, "--exchange", "nope"], recordingIo(), GLOBAL, {}),
    (e: unknown) =>
      e instanceof ConfigError &&
      /no \[exchange.nope\] in the config \(hint: known profiles: .*bybit_testnet/.test(e.message),
  );
  await assert.rejects(
    () => dataCommand([...base, "--exchange", "paper_sandbox"], recordingIo(), GLOBAL, {}),
    /driver "paper" has no kline download/,
  );
  await assert.rejects(
    () =>
      dataCommand(
        [
          "download",
          "--exchange",
          "bybit_testnet",
          "--symbol",
          "bybit:BTCUSDT",
          "--output",
          "/tmp/x",
        ],
        recordingIo(),
        GLOBAL,
        {},
      ),
    /--from and --to are required/,
  );
});
