import assert from "node:assert/strict";
import { join } from "node:path";
import { equityCsvNote, writeReportFiles } from "../../../lib/backtest/report_files.ts";
import {
  EQUITY_CSV_MAX_ROWS,
  EquityRecorder,
  equityRecordOf,
} from "../../../lib/backtest/equity_recorder.ts";
import { chartData } from "../../../lib/backtest/_report_svg.ts";
import { computeMetrics, metricsFromCurve } from "../../../lib/backtest/metrics.ts";
import { buildReport } from "../../../lib/backtest/report.ts";
import { readEquityParquet } from "../../../lib/data/mod.ts";
import { decimal, fromIso, toIso } from "../../../lib/domain/mod.ts";

const MINUTE = 60_000_000;
const DAY = 1_440 * MINUTE;
const T0 = fromIso("2024-01-01T00:00:00Z");

function curve(
  n: number,
  step = MINUTE,
): { ts: Float64Array; equity: Float64Array; length: number } {
  const ts = Float64Array.from({ length: n }, (_, i) => T0 + i * step);
  // A wave with a slow drift: new peaks and drawdowns all along.
  const equity = Float64Array.from(
    { length: n },
    (_, i) => 1000 + i * 1e-4 + 50 * Math.sin(i / 997),
  );
  return { ts, equity, length: n };
}

function bundleOf(record: ReturnType<typeof equityRecordOf>, initial: number) {
  const metrics = metricsFromCurve(record.stats, {
    initialEquity: initial,
    periodsPerYear: 525_600,
    roundTrips: [],
    barsInMarket: 0,
    tradedNotional: 0,
  });
  const report = buildReport({
    strategy: "Test",
    symbols: ["bybit:BTCUSDT"],
    interval: "1m",
    start: T0,
    end: T0 + record.length * MINUTE,
    initialEquity: decimal(String(initial)),
    finalEquity: decimal(String(record.stats.finalEquity)),
    fees: decimal("0"),
    funding: decimal("0"),
    orders: 0,
    fills: 0,
    rejectedOrders: 0,
    ambiguousBars: 0,
    liquidations: 0,
    metrics,
  });
  return { report, equity: record, roundTrips: [], fills: [], orders: [] };
}

Deno.test("online metrics equal computeMetrics over the same marks", () => {
  const c = curve(50_000);
  const record = equityRecordOf(c, 1000, MINUTE);
  const input = {
    initialEquity: 1000,
    periodsPerYear: 525_600,
    roundTrips: [],
    barsInMarket: 10,
    tradedNotional: 5,
  };
  assert.deepEqual(
    metricsFromCurve(record.stats, input),
    computeMetrics({ ...input, ts: c.ts, equity: c.equity, length: c.length }),
  );
});

Deno.test("equity.csv is thinned past its row limit, with a note; equity.parquet keeps every mark", async () => {
  const n = EQUITY_CSV_MAX_ROWS + 100_000;
  const c = curve(n);
  const record = equityRecordOf(c, 1000, MINUTE);
  assert.equal(record.length, n);
  assert.equal(record.sample.stride, 2);
  // Every other mark from the first, and the last one.
  assert.equal(record.sample.length, n / 2 + 1);
  const note = equityCsvNote(record);
  assert.match(
    note ?? "",
    /every 2nd of 1,100,000 marks and the last \(550,001 rows, the limit is 1,000,000\)/,
  );
  assert.match(note ?? "", /--equity-csv full/);
  const dir = await Deno.makeTempDir();
  try {
    await writeReportFiles(dir, bundleOf(record, 1000));
    const lines = (await Deno.readTextFile(join(dir, "equity.csv"))).trimEnd().split("\n");
    assert.equal(lines.length, n / 2 + 2);
    assert.ok(lines.length - 1 <= EQUITY_CSV_MAX_ROWS);
    // The drawdown column is the full curve's (peak over every mark), not the sample's.
    let peak = 1000;
    const drawdowns = Array.from(c.equity, (e) => {
      peak = Math.max(peak, e);
      return (peak - e) / peak;
    });
    for (const i of [0, 2, 1234, 500_000, 1_099_998]) {
      const [ts, equity, drawdown] = lines[i / 2 + 1].split(",");
      assert.equal(ts, toIso(c.ts[i]));
      assert.equal(Number(equity), Number(c.equity[i].toPrecision(12)));
      assert.equal(Number(drawdown), Number(drawdowns[i].toPrecision(12)) || 0);
    }
    assert.equal(lines[lines.length - 1].split(",")[0], toIso(c.ts[n - 1]));
    const html = await Deno.readTextFile(join(dir, "report.html"));
    assert.match(html, /id="equity-csv-note">equity\.csv holds every 2nd of 1,100,000 marks/);
    const parquet = await readEquityParquet(join(dir, "equity.parquet"));
    assert.equal(parquet.length, n);
    assert.deepEqual(parquet.ts, c.ts);
    assert.deepEqual(parquet.equity, c.equity);
    assert.deepEqual(parquet.drawdown, Float64Array.from(drawdowns));

    await writeReportFiles(dir, bundleOf(record, 1000), { equityCsv: "full" });
    const full = (await Deno.readTextFile(join(dir, "equity.csv"))).trimEnd().split("\n");
    assert.equal(full.length, n + 1);
    assert.doesNotMatch(await Deno.readTextFile(join(dir, "report.html")), /equity-csv-note/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("equity.csv under the limit has every mark and no note", () => {
  const record = equityRecordOf(curve(EQUITY_CSV_MAX_ROWS), 1000, MINUTE);
  assert.equal(record.sample.stride, 1);
  assert.equal(record.sample.length, EQUITY_CSV_MAX_ROWS);
  assert.equal(equityCsvNote(record), undefined);
});

Deno.test("a streamed recorder writes equity.parquet and a full CSV as it goes, and abort removes them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const parquetPath = join(dir, "eq.parquet");
    const csvPath = join(dir, "eq.csv");
    const recorder = await EquityRecorder.create({ kind: "stream", parquetPath, csvPath });
    recorder.start(1000, MINUTE);
    const c = curve(200_000);
    for (let i = 0; i < c.length; i++) recorder.push(c.ts[i], c.equity[i]);
    await recorder.finish();
    const record = recorder.record();
    assert.equal(record.full, undefined);
    assert.deepEqual(record.files, { parquet: parquetPath, csv: csvPath });
    assert.deepEqual((await readEquityParquet(parquetPath)).equity, c.equity);
    const csv = (await Deno.readTextFile(csvPath)).trimEnd().split("\n");
    assert.equal(csv.length, c.length + 1);
    assert.equal(csv[1].split(",")[0], toIso(T0));

    const failed = await EquityRecorder.create({
      kind: "stream",
      parquetPath: join(dir, "b.parquet"),
      csvPath: join(dir, "b.csv"),
    });
    failed.start(1000, MINUTE);
    for (let i = 0; i < 70_000; i++) failed.push(c.ts[i], c.equity[i]);
    await failed.abort();
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "eq.csv",
      "eq.parquet",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a stream recorder that cannot create its files names the report folder", async () => {
  await assert.rejects(
    EquityRecorder.create({
      kind: "stream",
      parquetPath: "/nonexistent-dir/x.parquet",
      reportDir: "/nonexistent-dir/out",
    }),
    /Cannot write the backtest report to \/nonexistent-dir\/out/,
  );
});

Deno.test("chart buckets keep the exact envelope of a long curve in a bounded number of points", () => {
  const c = curve(3_000_000);
  const record = equityRecordOf(c, 1000, MINUTE);
  assert.ok(record.buckets.count <= 4096 && record.buckets.count > 2048);
  const data = chartData(record);
  assert.ok(data.equity.y.length <= 1500);
  let lo = Infinity;
  let hi = -Infinity;
  for (const e of c.equity) {
    lo = Math.min(lo, e);
    hi = Math.max(hi, e);
  }
  assert.equal(Math.min(...data.equity.y), lo);
  assert.equal(Math.max(...data.equity.y), hi);
  assert.equal(-Math.min(...data.drawdown.y), record.stats.maxDrawdown);
  // Points go forward in time.
  for (let i = 1; i < data.equity.x.length; i++) {
    assert.ok(data.equity.x[i] >= data.equity.x[i - 1]);
  }
});

Deno.test("monthly returns chain from the initial equity through each month's last mark", () => {
  // Daily marks over Jan–Mar 2024: 1000 → 1100 by Jan 31, → 990 by Feb 29, → 1188 by Mar 31.
  const days = 31 + 29 + 31;
  const ts = Float64Array.from({ length: days }, (_, i) => T0 + i * DAY);
  const equity = Float64Array.from(
    { length: days },
    (_, i) =>
      i < 31
        ? 1000 + (100 * (i + 1)) / 31
        : i < 60
        ? 1100 - (110 * (i - 30)) / 29
        : 990 + (198 * (i - 59)) / 31,
  );
  const record = equityRecordOf({ ts, equity, length: days }, 1000, DAY);
  assert.deepEqual(
    record.months.map((m) => [m.year, m.month, Number(m.return.toFixed(10))]),
    [[2024, 1, 0.1], [2024, 2, -0.1], [2024, 3, 0.2]],
  );
});

Deno.test("a streamed equity.parquet that cannot be completed fails the finish with the path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const folder = join(dir, "gone");
    await Deno.mkdir(folder);
    const parquetPath = join(folder, "eq.parquet");
    const recorder = await EquityRecorder.create({ kind: "stream", parquetPath });
    recorder.start(1000, MINUTE);
    const c = curve(150_000);
    for (let i = 0; i < c.length; i++) recorder.push(c.ts[i], c.equity[i]);
    // The folder disappears under the worker: the final rename cannot happen.
    await Deno.remove(folder, { recursive: true });
    await assert.rejects(recorder.finish(), (error: Error) => {
      assert.match(error.message, /cannot write .*gone\/eq\.parquet/);
      return true;
    });
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// Marks and price bars of a long curve into `recorder` (a price bar before each mark, as the
// candle loop gives them), then the record.
async function recordWithPrices(recorder: EquityRecorder, n: number, inWorker: boolean) {
  const c = curve(n);
  recorder.start(1000, MINUTE);
  // As the candle loop does: a bar's price first, its mark when the next bar comes.
  for (let i = 0; i < n; i++) {
    if (i > 0) recorder.push(c.ts[i - 1], c.equity[i - 1]);
    const p = 40_000 + 100 * Math.sin(i / 313);
    recorder.price(c.ts[i], p, p + 5 + (i % 7), p - 5 - (i % 5), p + 1);
  }
  recorder.push(c.ts[n - 1], c.equity[n - 1]);
  assert.equal(recorder.foldsInWorker, inWorker);
  await recorder.finish();
  return recorder.record();
}

// Every figure of a record but the whole curve, the buckets' valid part as plain arrays.
function figures(record: Awaited<ReturnType<typeof recordWithPrices>>) {
  const b = record.buckets;
  const valid = (a: Float64Array) => Array.from(a.subarray(0, b.count));
  return {
    length: record.length,
    stats: record.stats,
    months: record.months,
    sample: {
      stride: record.sample.stride,
      ts: Array.from(record.sample.ts),
      equity: Array.from(record.sample.equity),
      drawdown: Array.from(record.sample.drawdown),
    },
    buckets: {
      t0: b.t0,
      width: b.width,
      count: b.count,
      arrays: [
        b.minEquity,
        b.minEquityTs,
        b.maxEquity,
        b.maxEquityTs,
        b.maxDrawdown,
        b.maxDrawdownTs,
        b.minDrawdown,
        b.minDrawdownTs,
        b.open,
        b.high,
        b.low,
        b.close,
      ].map(valid),
    },
  };
}

Deno.test("a long summary folded in the worker gives the figures of the same curve folded in memory", async () => {
  // Three full chunks and a part: the summary moves its fold to the worker at the first.
  const n = 3 * 65_536 + 1_234;
  const inMemory = await recordWithPrices(EquityRecorder.inMemory(), n, false);
  const summary = await recordWithPrices(await EquityRecorder.create({ kind: "summary" }), n, true);
  assert.equal(summary.full, undefined);
  assert.ok(summary.buckets.count > 0 && summary.months.length > 0);
  assert.deepEqual(figures(summary), figures(inMemory));
  // The buckets came back as buckets: the charts read them.
  assert.deepEqual(chartData(summary), chartData(inMemory));
});

Deno.test("a streamed recorder folds in its worker exactly as in memory, files written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const parquetPath = join(dir, "eq.parquet");
    const n = 2 * 65_536 + 17;
    const inMemory = await recordWithPrices(EquityRecorder.inMemory(), n, false);
    const streamed = await recordWithPrices(
      await EquityRecorder.create({ kind: "stream", parquetPath }),
      n,
      true,
    );
    assert.deepEqual(figures(streamed), figures(inMemory));
    assert.equal(streamed.files.parquet, parquetPath);
    const read = await readEquityParquet(parquetPath);
    assert.equal(read.length, n);
    assert.deepEqual(
      Array.from(read.drawdown.subarray(0, n)),
      Array.from(inMemory.full?.drawdown.subarray(0, n) ?? []),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a short summary folds in its own thread and needs no worker", async () => {
  const n = 1_000;
  const summary = await recordWithPrices(
    await EquityRecorder.create({ kind: "summary" }),
    n,
    false,
  );
  const inMemory = await recordWithPrices(EquityRecorder.inMemory(), n, false);
  assert.deepEqual(figures(summary), figures(inMemory));
  // Nothing was started: record() works without finish on a short summary too.
  const direct = await EquityRecorder.create({ kind: "summary" });
  direct.start(1000, MINUTE);
  direct.push(T0, 1001);
  assert.equal(direct.record().stats.finalEquity, 1001);
});

Deno.test("a streamed recorder's worker writes the thinned equity.csv after the fold, the same bytes as from the sample", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const n = EQUITY_CSV_MAX_ROWS + 100_000;
    const c = curve(n);
    const inMemory = equityRecordOf(c, 1000, MINUTE);
    await writeReportFiles(join(dir, "memory"), bundleOf(inMemory, 1000));

    const sampleCsvPath = join(dir, "eq.sample.csv");
    const recorder = await EquityRecorder.create({
      kind: "stream",
      parquetPath: join(dir, "eq.parquet"),
      sampleCsvPath,
    });
    recorder.start(1000, MINUTE);
    for (let i = 0; i < n; i++) recorder.push(c.ts[i], c.equity[i]);
    await recorder.finish();
    const streamed = recorder.record();
    assert.equal(streamed.files.sampleCsv?.path, sampleCsvPath);
    assert.equal(streamed.sample.stride, 2);
    assert.deepEqual(streamed.sample.equity, inMemory.sample.equity);
    assert.equal(equityCsvNote(streamed), equityCsvNote(inMemory));
    await writeReportFiles(join(dir, "stream"), bundleOf(streamed, 1000));
    for (const name of ["equity.csv", "report.html", "equity.parquet"]) {
      assert.deepEqual(
        await Deno.readFile(join(dir, "stream", name)),
        await Deno.readFile(join(dir, "memory", name)),
        name,
      );
    }
    // Moved into the report, not left beside it.
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["memory", "stream"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a report that cannot be written removes the equity.csv the worker wrote", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const sampleCsvPath = join(dir, "eq.sample.csv");
    const recorder = await EquityRecorder.create({
      kind: "stream",
      parquetPath: join(dir, "eq.parquet"),
      sampleCsvPath,
    });
    recorder.start(1000, MINUTE);
    const c = curve(70_000);
    for (let i = 0; i < c.length; i++) recorder.push(c.ts[i], c.equity[i]);
    await recorder.finish();
    const record = recorder.record();
    await Deno.writeTextFile(join(dir, "taken"), "a file where the report folder would go");
    await assert.rejects(
      writeReportFiles(join(dir, "taken"), bundleOf(record, 1000)),
      /Cannot write the backtest report/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["taken"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
