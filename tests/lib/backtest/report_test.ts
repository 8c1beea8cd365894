import assert from "node:assert/strict";
import { decimal, fromIso } from "../../../lib/domain/mod.ts";
import { computeMetrics, periodsPerYear } from "../../../lib/backtest/metrics.ts";
import {
  type BacktestReport,
  buildReport,
  formatMetric,
  type ReportParts,
  reportToJson,
} from "../../../lib/backtest/report.ts";

const DAY = 86_400_000_000;
const T0 = fromIso("2024-01-01T00:00:00Z");

function parts(overrides: Partial<ReportParts> = {}): ReportParts {
  const equity = Float64Array.from([110, 99, 108.9, 130.68, 124.146, 130.3533]);
  const metrics = computeMetrics({
    ts: Float64Array.from(equity, (_, i) => T0 + i * DAY),
    equity,
    length: equity.length,
    initialEquity: 100,
    periodsPerYear: periodsPerYear("1d"),
    roundTrips: [],
    barsInMarket: 4,
    tradedNotional: 1234.5,
  });
  return {
    strategy: "sma-cross",
    params: { slow: 30, fast: 10, nested: { b: [1, "x"], a: true } },
    symbols: ["bybit:BTCUSDT"],
    interval: "1d",
    start: T0,
    end: T0 + 6 * DAY,
    initialEquity: decimal("100"),
    finalEquity: decimal("130.3533"),
    fees: decimal("1.25"),
    funding: decimal("-0.5"),
    orders: 4,
    fills: 4,
    rejectedOrders: 1,
    ambiguousBars: 2,
    liquidations: 0,
    rejections: { "min-notional": 1 },
    settings: { slippageBps: 1, fillModel: "pessimistic" },
    metrics,
    ...overrides,
  };
}

Deno.test("buildReport copies the run facts, exact money and metrics", () => {
  const report = buildReport(parts());
  assert.equal(report.start, "2024-01-01T00:00:00Z");
  assert.equal(report.end, "2024-01-07T00:00:00Z");
  assert.equal(report.bars, 6);
  assert.equal(report.finalEquity, "130.3533");
  assert.equal(report.funding, "-0.5");
  assert.equal(report.maxDrawdownDuration, 259_200);
  assert.equal(report.rejectedOrders, 1);
  assert.deepEqual(report.rejections, { "min-notional": 1 });
});

Deno.test("reportToJson writes the keys in a fixed order with rounded metrics", () => {
  const json = reportToJson(buildReport(parts()));
  assert.ok(json.endsWith("}\n"));
  const parsed = JSON.parse(json) as BacktestReport;
  const keys = Object.keys(parsed);
  assert.deepEqual(keys.slice(0, 6), ["strategy", "params", "symbols", "interval", "start", "end"]);
  assert.deepEqual(keys.slice(-2), ["rejections", "settings"]);
  assert.equal(keys.length, 35);
  // 0.303533 is 0.30353300000000005 in float64; 12 significant digits hide the noise.
  assert.match(json, /\n {2}"totalReturn": 0\.303533,\n/);
  assert.match(json, /\n {2}"maxDrawdown": 0\.1,\n/);
  assert.match(json, /\n {2}"winRate": null,\n/);
  // Free-form records are sorted, recursively.
  assert.match(
    json,
    /"params": \{\n {4}"fast": 10,\n {4}"nested": \{\n {6}"a": true,\n {6}"b": \[/,
  );
  assert.match(
    json,
    /"settings": \{\n {4}"fillModel": "pessimistic",\n {4}"slippageBps": 1\n {2}\}/,
  );
});

Deno.test("reportToJson is byte-identical for the same input, whatever the key insertion order", () => {
  const a = reportToJson(buildReport(parts()));
  const b = reportToJson(buildReport(parts()));
  const c = reportToJson(buildReport(parts({
    params: { nested: { a: true, b: [1, "x"] }, fast: 10, slow: 30 },
    settings: { fillModel: "pessimistic", slippageBps: 1 },
  })));
  assert.equal(a, b);
  assert.equal(a, c);
});

Deno.test("reportToJson never writes NaN or Infinity", () => {
  const report: BacktestReport = {
    ...buildReport(parts()),
    sharpe: Number.NaN,
    cagr: Number.POSITIVE_INFINITY,
    settings: { weird: Number.NaN },
  };
  const json = reportToJson(report);
  assert.doesNotMatch(json, /NaN|Infinity/);
  const parsed = JSON.parse(json) as Record<string, unknown>;
  assert.equal(parsed.sharpe, null);
  assert.equal(parsed.cagr, null);
});

Deno.test("formatMetric rounds to 12 significant digits and normalises -0", () => {
  assert.equal(formatMetric(0.1 + 0.2), "0.3");
  assert.equal(formatMetric(1 / 3), "0.333333333333");
  assert.equal(formatMetric(-0), "0");
  assert.equal(formatMetric(1e-20 / 3), "3.33333333333e-21");
  assert.equal(formatMetric(null), "null");
  assert.equal(formatMetric(Number.NEGATIVE_INFINITY), "null");
});

Deno.test("reportToJson escapes strings as JSON", () => {
  const json = reportToJson(buildReport(parts({ strategy: 'a "quoted"\nname' })));
  assert.equal((JSON.parse(json) as BacktestReport).strategy, 'a "quoted"\nname');
});

Deno.test("reportToJson writes the execution section with sorted keys and nulls, in JSON's layout", () => {
  const row = {
    parentId: "p-1",
    algorithm: "twap" as const,
    symbol: "bybit:BTCUSDT",
    side: "buy" as const,
    quantity: 0.01,
    filled: 0,
    status: "expired" as const,
    arrivalPrice: 41747.1,
    averagePrice: undefined,
    shortfallBps: undefined,
    participation: undefined,
    children: 1,
    startTs: T0,
    endTs: undefined,
    timeToCompleteSecs: undefined,
  };
  const json = reportToJson(buildReport(parts({
    executionQuality: [row, { ...row, parentId: "p-2", filled: 0.01, averagePrice: 1 / 3 }],
  })));
  const at = json.indexOf('  "executionAlgorithms"');
  assert.equal(
    json.slice(at),
    `  "executionAlgorithms": {
    "parents": [
      {
        "algorithm": "twap",
        "arrivalPrice": 41747.1,
        "averagePrice": null,
        "children": 1,
        "end": null,
        "filled": 0,
        "parentId": "p-1",
        "participation": null,
        "quantity": 0.01,
        "shortfallBps": null,
        "side": "buy",
        "start": "2024-01-01T00:00:00Z",
        "status": "expired",
        "symbol": "bybit:BTCUSDT",
        "timeToCompleteSecs": null
      },
      {
        "algorithm": "twap",
        "arrivalPrice": 41747.1,
        "averagePrice": 0.333333333333,
        "children": 1,
        "end": null,
        "filled": 0.01,
        "parentId": "p-2",
        "participation": null,
        "quantity": 0.01,
        "shortfallBps": null,
        "side": "buy",
        "start": "2024-01-01T00:00:00Z",
        "status": "expired",
        "symbol": "bybit:BTCUSDT",
        "timeToCompleteSecs": null
      }
    ],
    "summary": {
      "twap": {
        "children": 2,
        "completed": 0,
        "filled": 0.01,
        "meanTimeToCompleteSecs": null,
        "parents": 2,
        "participation": null,
        "quantity": 0.02,
        "shortfallBps": null
      }
    }
  }
}
`,
  );
});

Deno.test("reportToJson sorts records that are out of order or hold undefined, at any depth", () => {
  const json = reportToJson({
    ...buildReport(parts()),
    settings: { z: [{ b: 1, a: undefined }], a: { "10": 1, "9": 2 }, m: [] },
  } as unknown as BacktestReport);
  const at = json.indexOf('  "settings"');
  assert.equal(
    json.slice(at, json.indexOf("\n  }", at) + 4),
    `  "settings": {
    "a": {
      "10": 1,
      "9": 2
    },
    "m": [],
    "z": [
      {
        "a": null,
        "b": 1
      }
    ]
  }`,
  );
});

Deno.test("reportToJson writes the same text whether the records come sorted or not", () => {
  const row = {
    parentId: "p-1",
    algorithm: "vwap" as const,
    symbol: "bybit:BTCUSDT",
    side: "sell" as const,
    quantity: 0.5,
    filled: 0.25,
    status: "completed" as const,
    arrivalPrice: 100,
    averagePrice: 100.1 + 0.2,
    shortfallBps: -0,
    participation: 0.1,
    children: 3,
    startTs: T0,
    endTs: T0 + 1_500_000,
    timeToCompleteSecs: 1.5,
  };
  const sorted = parts({
    params: { fast: 10, nested: { a: true, b: [1, "x", [], {}] }, slow: 30 },
    rejections: {},
    settings: { fillModel: "pessimistic", none: null, slippageBps: Number.NaN },
    executionQuality: [row, { ...row, parentId: "p-2", averagePrice: undefined }],
  });
  const unsorted = parts({
    ...sorted,
    params: { slow: 30, nested: { b: [1, "x", [], {}], a: true }, fast: 10 },
    settings: { slippageBps: Number.NaN, none: null, fillModel: "pessimistic" },
  });
  const report = { ...buildReport(sorted), sharpe: Number.NaN, cagr: -0 };
  const text = reportToJson(report);
  assert.equal(text, reportToJson({ ...buildReport(unsorted), sharpe: Number.NaN, cagr: -0 }));
  assert.match(text, /\n {2}"sharpe": null,\n {2}"sortino"/);
  assert.match(text, /\n {2}"cagr": 0,\n/);
  assert.match(text, /"b": \[\n {8}1,\n {8}"x",\n {8}\[\],\n {8}\{\}\n {6}\]/);
  assert.match(
    text,
    /"settings": \{\n {4}"fillModel": "pessimistic",\n {4}"none": null,\n {4}"slippageBps": null\n {2}\}/,
  );
  assert.match(text, /"averagePrice": 100\.3,\n/);
  assert.match(text, /"shortfallBps": 0,\n/);
  assert.ok(text.endsWith("\n}\n"));
});

Deno.test("the execution section rounds each figure to 12 significant digits, short or long", () => {
  const row = {
    parentId: "p",
    algorithm: "twap" as const,
    symbol: "bybit:BTCUSDT",
    side: "buy" as const,
    quantity: 0.1 + 0.2,
    filled: 1e-7 / 3,
    status: "completed" as const,
    arrivalPrice: 41747.1,
    averagePrice: 123456789012.75,
    shortfallBps: -0.0125,
    participation: 2 ** 60,
    children: 1,
    startTs: T0,
    endTs: T0,
    timeToCompleteSecs: 0,
  };
  const report = buildReport(parts({ executionQuality: [row] }));
  const parents = (report.executionAlgorithms as { parents: Record<string, unknown>[] }).parents;
  assert.deepEqual(
    [
      "quantity",
      "filled",
      "arrivalPrice",
      "averagePrice",
      "shortfallBps",
      "participation",
      "timeToCompleteSecs",
    ].map((key) => parents[0][key]),
    [0.3, 3.33333333333e-8, 41747.1, 123456789013, -0.0125, 1152921504610000000, 0],
  );
});

Deno.test("reportToJson sorts nested records and writes undefined members as null", () => {
  const json = reportToJson({
    ...buildReport(parts()),
    settings: { z: [{ b: 1, a: undefined }, 2], a: { y: { d: "", c: -0 }, x: [] }, m: {} },
  } as unknown as BacktestReport);
  const at = json.indexOf('  "settings"');
  assert.equal(
    json.slice(at, json.indexOf("\n  }", at) + 4),
    `  "settings": {
    "a": {
      "x": [],
      "y": {
        "c": 0,
        "d": ""
      }
    },
    "m": {},
    "z": [
      {
        "a": null,
        "b": 1
      },
      2
    ]
  }`,
  );
});
