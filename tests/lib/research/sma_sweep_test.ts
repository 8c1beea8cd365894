import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../../../cli/main.ts";
import { recordingIo } from "../../../cli/io.ts";
import { loadMarkets } from "../../../lib/backtest/mod.ts";
import { generateCandles, readCandleParquet } from "../../../lib/data/mod.ts";
import {
  METRIC_NAMES,
  smaSeries,
  SmaSweep,
  smaSweepSupport,
  sweepCandles,
} from "../../../lib/research/mod.ts";

const SYMBOL = "bybit:BTCUSDT";

// The engine's run of one set through `backtest run` (defaults: 0.01 fixed, 1-bar latency).
async function engineRun(
  data: string[],
  set: { fast_period: number; slow_period: number; min_samples: number },
  dir: string,
): Promise<{ report: Record<string, unknown>; trades: string[] }> {
  const out = join(dir, `${set.fast_period}-${set.slow_period}-${set.min_samples}`);
  const io = recordingIo();
  const code = await main([
    "backtest",
    "run",
    "--strategy-config",
    "examples/strategies/sma_cross.toml",
    ...data,
    "--param",
    `fast_period=${set.fast_period}`,
    "--param",
    `slow_period=${set.slow_period}`,
    "--param",
    `min_samples=${set.min_samples}`,
    "--output-dir",
    out,
    "--json",
  ], io);
  assert.equal(code, 0, io.err.join("\n"));
  const trades = (await Deno.readTextFile(join(out, "trades.csv"))).trimEnd().split("\n").slice(1);
  return { report: JSON.parse(io.out.join("\n")), trades };
}

const METRICS = METRIC_NAMES;

function rounded(value: number | null): number | null {
  return value === null ? null : Number(value.toPrecision(12));
}

Deno.test("the SmaCross fast path gives the engine's trades and report on every tested set", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tesser-sweep-" });
  try {
    const [instrument] = (await loadMarkets("config/markets.toml")).filter((i) =>
      i.symbol === SYMBOL
    );
    const datasets = [
      {
        args: ["--data", "examples/data/btcusdt_1m_sample.parquet"],
        candles: await sweepCandles(readCandleParquet("examples/data/btcusdt_1m_sample.parquet")),
      },
      {
        args: ["--rows", "4000", "--seed", "11"],
        candles: await sweepCandles(generateCandles({ rows: 4000, seed: 11, symbol: SYMBOL })),
      },
    ];
    let compared = 0;
    for (const { args, candles } of datasets) {
      const sweep = new SmaSweep(candles, { instrument, quantity: 0.01, initialEquity: 10_000 });
      for (
        const [fast, slow, minSamples] of [[2, 5, 0], [3, 8, 0], [5, 21, 48], [8, 21, 48], [
          10,
          30,
          0,
        ], [4, 50, 100]]
      ) {
        const set = { fast_period: fast, slow_period: slow, min_samples: minSamples };
        const engine = await engineRun(args, set, dir);
        const fastPath = sweep.run(set, { roundTrips: true });
        const label = `${args.join(" ")} ${fast}/${slow}/${minSamples}`;
        assert.deepEqual(
          (fastPath.roundTrips ?? []).map((t) =>
            [
              t.entryTs,
              t.exitTs,
              t.quantity,
              t.entryPrice,
              t.exitPrice,
              t.grossPnl,
              t.fees,
              t.netPnl,
            ]
              .map(String).join("|")
          ),
          engine.trades.map((line) => {
            const c = line.split(",");
            const iso = (s: string) => String(Date.parse(s) * 1000);
            return [iso(c[2]), iso(c[3]), c[5], c[6], c[7], c[8], c[9], c[11]].join("|");
          }),
          label,
        );
        for (const metric of METRICS) {
          assert.equal(
            rounded(fastPath.metrics[metric]),
            engine.report[metric],
            `${label} ${metric}`,
          );
        }
        compared += fastPath.trades;
        assert.equal(fastPath.roundTrips?.length, fastPath.trades);
      }
    }
    assert.ok(compared > 50, `only ${compared} round trips compared`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the fast path shares one SMA series per period and says what it cannot replay", async () => {
  const candles = await sweepCandles(generateCandles({ rows: 500, seed: 2, symbol: SYMBOL }));
  const [instrument] = (await loadMarkets("config/markets.toml")).filter((i) =>
    i.symbol === SYMBOL
  );
  const sweep = new SmaSweep(candles, { instrument, quantity: 0.01, initialEquity: 10_000 });
  const series = sweep.sma(8);
  sweep.run({ fast_period: 8, slow_period: 21, min_samples: 0 });
  assert.equal(sweep.sma(8), series);
  assert.ok(Number.isNaN(series[6]) && !Number.isNaN(series[7]));
  assert.equal(
    smaSweepSupport({ allow_short: true }),
    "allow_short = true (short entries are not replayed)",
  );
  assert.match(smaSweepSupport({ stop_loss_pct: 0.01 }) ?? "", /stop orders/);
  assert.match(smaSweepSupport({ vwap_duration_secs: 60 }) ?? "", /VWAP/);
  assert.equal(smaSweepSupport({ allow_short: false, stop_loss_pct: 0 }), undefined);
  await assert.rejects(() => sweepCandles([]), /no candles to sweep/);
});

Deno.test("smaSeries is bit for bit the library's streaming Sma", async () => {
  const { Sma } = await import("../../../lib/indicators/mod.ts");
  const { Random } = await import("../../../lib/data/mod.ts");
  const random = new Random(5);
  const values = Float64Array.from(
    { length: 20_000 },
    (_, i) => 42_000 + 3_000 * Math.sin(i / 300) + random.normal() * 25 + (i % 7) * 1e-7,
  );
  for (const period of [1, 2, 7, 50, 333]) {
    const sma = new Sma({ period });
    const series = smaSeries(values, period);
    for (let i = 0; i < values.length; i++) {
      const expected = sma.update(values[i]) ?? NaN;
      if (!Object.is(series[i], expected)) {
        assert.fail(`period ${period}, bar ${i}: ${series[i]} != ${expected}`);
      }
    }
  }
});

Deno.test("the fast path's fill prices round like the venue's decimals, on and off the grid", async () => {
  const [instrument] = (await loadMarkets("config/markets.toml")).filter((i) =>
    i.symbol === SYMBOL
  );
  // Opens on the 0.1 grid, between grid points, within float error of a point, and far below.
  const opens = [42027.4, 42027.37, 42027.4000000001, 0.30000000000000004, 43613.06, 100, 99.95];
  const n = opens.length * 2;
  const candles = {
    symbol: SYMBOL,
    interval: "1m" as const,
    openTime: Float64Array.from({ length: n }, (_, i) => i * 60_000_000),
    // Alternate up and down so a 1/2 SMA cross buys and sells at every open in turn.
    open: Float64Array.from({ length: n }, (_, i) => opens[Math.floor(i / 2)]),
    close: Float64Array.from({ length: n }, (_, i) => (i % 4 < 2 ? 1000 + i : 900 - i)),
  };
  const sweep = new SmaSweep(candles, { instrument, quantity: 0.01, initialEquity: 10_000 });
  const run = sweep.run({ fast_period: 1, slow_period: 2, min_samples: 0 }, { roundTrips: true });
  const { decimal, roundPrice } = await import("../../../lib/domain/mod.ts");
  for (const trip of run.roundTrips ?? []) {
    const i = trip.entryTs / 60_000_000;
    const j = trip.exitTs / 60_000_000;
    assert.equal(
      String(trip.entryPrice),
      String(roundPrice(instrument, decimal(candles.open[i]), "ceil")),
    );
    assert.equal(
      String(trip.exitPrice),
      String(roundPrice(instrument, decimal(candles.open[j]), "floor")),
    );
  }
  assert.ok((run.roundTrips ?? []).length >= 2);
});
