import assert from "node:assert/strict";
import { join } from "node:path";
import {
  DataError,
  decimal,
  type Fill,
  fromIso,
  type Order,
  toIso,
} from "../../../lib/domain/mod.ts";
import type { RoundTrip } from "../../../lib/portfolio/round_trip.ts";
import { computeMetrics, periodsPerYear } from "../../../lib/backtest/metrics.ts";
import { buildReport, reportToJson } from "../../../lib/backtest/report.ts";
import { equityRecordOf } from "../../../lib/backtest/equity_recorder.ts";
import {
  REPORT_FILES,
  type ReportBundle,
  writeReportFiles,
} from "../../../lib/backtest/report_files.ts";
import { isoFormatter } from "../../../lib/backtest/_report_csv.ts";

const MINUTE = 60_000_000;
const T0 = fromIso("2024-03-01T00:00:00Z");

function bundle(overrides: Partial<ReportBundle> = {}): ReportBundle {
  const equity = Float64Array.from([1000, 1010, 990, 1020.5]);
  const ts = Float64Array.from(equity, (_, i) => T0 + i * MINUTE);
  const trip: RoundTrip = {
    symbol: "bybit:BTCUSDT",
    direction: "short",
    entryTs: T0 + MINUTE,
    exitTs: T0 + 3 * MINUTE,
    quantity: decimal("0.5"),
    entryPrice: decimal("100"),
    exitPrice: decimal("60"),
    grossPnl: decimal("20"),
    fees: decimal("0.1"),
    funding: decimal("0"),
    netPnl: decimal("19.9"),
    settle: "USDT",
    fills: 2,
  };
  const fill: Fill = {
    orderId: "o-1",
    clientOrderId: 'c,1"x',
    symbol: "bybit:BTCUSDT",
    side: "sell",
    price: decimal("100"),
    quantity: decimal("0.5"),
    fee: decimal("0.05"),
    feeCurrency: "USDT",
    liquidity: "taker",
    tradeId: "t-1",
  };
  const order: Order = {
    id: "o-1",
    request: {
      clientOrderId: 'c,1"x',
      symbol: "bybit:BTCUSDT",
      side: "sell",
      type: "market",
      quantity: decimal("0.5"),
      timeInForce: "ioc",
      reduceOnly: false,
    },
    status: "filled",
    filledQuantity: decimal("0.5"),
    averagePrice: decimal("100"),
    createdTs: T0 + MINUTE,
    updatedTs: T0 + MINUTE + 1,
  };
  const metrics = computeMetrics({
    ts,
    equity,
    length: 4,
    initialEquity: 1000,
    periodsPerYear: periodsPerYear("1m"),
    roundTrips: [trip],
    barsInMarket: 2,
    tradedNotional: 80,
  });
  const report = buildReport({
    strategy: "demo",
    symbols: ["bybit:BTCUSDT"],
    interval: "1m",
    start: T0,
    end: T0 + 4 * MINUTE,
    initialEquity: decimal("1000"),
    finalEquity: decimal("1020.5"),
    fees: decimal("0.1"),
    funding: decimal("0"),
    orders: 1,
    fills: 1,
    rejectedOrders: 0,
    ambiguousBars: 0,
    liquidations: 0,
    metrics,
  });
  return {
    report,
    equity: equityRecordOf({ ts, equity, length: 4 }, 1000, MINUTE),
    roundTrips: [trip],
    fills: [{ ts: T0 + MINUTE, fill }],
    orders: [order],
    ...overrides,
  };
}

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

Deno.test("writeReportFiles writes every file into a new directory", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = join(root, "nested", "run");
    const b = bundle();
    const paths = await writeReportFiles(dir, b);
    assert.deepEqual(paths, REPORT_FILES.map((name) => join(dir, name)));
    assert.deepEqual(await listDir(dir), [...REPORT_FILES].sort());
    assert.deepEqual(await listDir(join(root, "nested")), ["run"]);
    assert.equal(await Deno.readTextFile(join(dir, "report.json")), reportToJson(b.report));
    assert.equal(
      await Deno.readTextFile(join(dir, "equity.csv")),
      "ts,equity,drawdown\n" +
        "2024-03-01T00:00:00Z,1000,0\n" +
        "2024-03-01T00:01:00Z,1010,0\n" +
        // (1010 − 990) / 1010 = 0.0198019801980198… → 12 significant digits
        "2024-03-01T00:02:00Z,990,0.019801980198\n" +
        "2024-03-01T00:03:00Z,1020.5,0\n",
    );
    assert.equal(
      await Deno.readTextFile(join(dir, "trades.csv")),
      "symbol,direction,entryTs,exitTs,holdingTime,quantity,entryPrice,exitPrice,grossPnl,fees," +
        "funding,netPnl,settle,fills\n" +
        "bybit:BTCUSDT,short,2024-03-01T00:01:00Z,2024-03-01T00:03:00Z,120,0.5,100,60,20,0.1,0," +
        "19.9,USDT,2\n",
    );
    assert.equal(
      await Deno.readTextFile(join(dir, "fills.csv")),
      "ts,symbol,side,price,qty,fee,liquidity,feeCurrency,orderId,clientOrderId,tradeId\n" +
        '2024-03-01T00:01:00Z,bybit:BTCUSDT,sell,100,0.5,0.05,taker,USDT,o-1,"c,1""x",t-1\n',
    );
    assert.equal(
      await Deno.readTextFile(join(dir, "orders.csv")),
      "id,clientOrderId,symbol,side,type,quantity,price,triggerPrice,status,filledQuantity," +
        "averagePrice,createdTs,updatedTs,reason,timeInForce,reduceOnly\n" +
        'o-1,"c,1""x",bybit:BTCUSDT,sell,market,0.5,,,filled,0.5,100,2024-03-01T00:01:00Z,' +
        "2024-03-01T00:01:00.000001Z,,ioc,false\n",
    );
    const html = await Deno.readTextFile(join(dir, "report.html"));
    assert.match(html, /^<!doctype html>/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeReportFiles replaces the files of an existing directory and keeps others", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "report.json"), "old");
    await Deno.writeTextFile(join(dir, "notes.txt"), "mine");
    await writeReportFiles(dir, bundle());
    assert.deepEqual(await listDir(dir), [...REPORT_FILES, "notes.txt"].sort());
    assert.notEqual(await Deno.readTextFile(join(dir, "report.json")), "old");
    assert.equal(await Deno.readTextFile(join(dir, "notes.txt")), "mine");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function explodingOrders(): readonly Order[] {
  const [order] = bundle().orders;
  const broken = {
    ...order,
    get request(): Order["request"] {
      throw new TypeError("boom while writing orders.csv");
    },
  };
  return [order, broken];
}

Deno.test("writeReportFiles leaves no new directory or temp file when writing fails", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = join(root, "run");
    await assert.rejects(
      () => writeReportFiles(dir, bundle({ orders: explodingOrders() })),
      TypeError,
    );
    assert.deepEqual(await listDir(root), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeReportFiles leaves an existing directory untouched when writing fails", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "report.json"), "old");
    await assert.rejects(
      () => writeReportFiles(dir, bundle({ orders: explodingOrders() })),
      TypeError,
    );
    assert.deepEqual(await listDir(dir), ["report.json"]);
    assert.equal(await Deno.readTextFile(join(dir, "report.json")), "old");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeReportFiles names the path when the directory cannot be written", async () => {
  const root = await Deno.makeTempDir();
  try {
    // A path below a regular file can never be created, even by root.
    const file = join(root, "plain.txt");
    await Deno.writeTextFile(file, "x");
    const dir = join(file, "run");
    await assert.rejects(
      () => writeReportFiles(dir, bundle()),
      (error: unknown) =>
        error instanceof DataError &&
        /Cannot write the backtest report to \S*plain\.txt\/run: /.test(error.message),
    );
    // A target that exists as a file is refused too.
    await assert.rejects(() => writeReportFiles(file, bundle()), /plain\.txt.*not a directory/);
    assert.deepEqual(await listDir(root), ["plain.txt"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: "writeReportFiles names the path of a read-only directory",
  ignore: Deno.uid() === 0,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.chmod(dir, 0o555);
      await assert.rejects(
        () => writeReportFiles(dir, bundle()),
        (error: unknown) => error instanceof DataError && error.message.includes(dir),
      );
    } finally {
      await Deno.chmod(dir, 0o755);
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("writeReportFiles streams a long equity curve in order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const n = 10_000;
    const ts = Float64Array.from({ length: n }, (_, i) => T0 + i * MINUTE);
    const equity = Float64Array.from({ length: n }, (_, i) => 1000 + i);
    await writeReportFiles(
      dir,
      bundle({ equity: equityRecordOf({ ts, equity, length: n }, 1000, MINUTE) }),
    );
    const lines = (await Deno.readTextFile(join(dir, "equity.csv"))).trimEnd().split("\n");
    assert.equal(lines.length, n + 1);
    assert.equal(lines[n], `${toIso(T0 + (n - 1) * MINUTE)},${1000 + n - 1},0`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("isoFormatter matches toIso for whole, milli and micro timestamps", () => {
  const iso = isoFormatter();
  const samples = [0, T0, T0 + 1, T0 + 1_000, T0 + 123_456, -1, 7_258_118_399_999_999];
  let x = 12345;
  for (let i = 0; i < 1_000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    samples.push(T0 + x * 997_331);
  }
  for (const us of samples) assert.equal(iso(us), toIso(us), `at ${us}`);
  assert.throws(() => iso(1.5), RangeError);
});
