import assert from "node:assert/strict";
import { fromIso } from "../../../lib/domain/mod.ts";
import type { ExecutionQuality } from "../../../lib/execution/mod.ts";
import { executionReport } from "../../../lib/backtest/_execution_report.ts";
import {
  executionQualitySection,
  MAX_HTML_PARENTS,
} from "../../../lib/backtest/_report_html_execution.ts";

const T0 = fromIso("2024-01-01T00:00:00Z");

function parent(i: number, overrides: Partial<ExecutionQuality> = {}): ExecutionQuality {
  return {
    parentId: `p-${i}`,
    algorithm: "twap",
    symbol: "bybit:BTCUSDT",
    side: "buy",
    quantity: 0.5,
    filled: 0.5,
    status: "completed",
    arrivalPrice: 42_000.5,
    averagePrice: 42_010.25,
    shortfallBps: (42_010.25 - 42_000.5) / 42_000.5 * 10_000,
    participation: 0.0125,
    children: 5,
    startTs: T0 + i * 3_600_000_000,
    endTs: T0 + i * 3_600_000_000 + 600_000_000,
    timeToCompleteSecs: 600,
    ...overrides,
  };
}

// The text of each cell of each body row of the table with `id`.
function rows(html: string, id: string): string[][] {
  const table = new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(html);
  assert.ok(table !== null, `no table #${id}`);
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(table[0])?.[1] ?? "";
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1])
  );
}

Deno.test("executionQualitySection lists each parent's arrival and fill price, shortfall, participation, children and time to complete", () => {
  const html = executionQualitySection(executionReport([
    parent(0),
    parent(1, {
      side: "sell",
      filled: 0.2,
      status: "canceled",
      averagePrice: 41_990,
      shortfallBps: (42_000.5 - 41_990) / 42_000.5 * 10_000,
      participation: 0.5,
      children: 2,
      endTs: T0 + 3_600_000_000 + 90_000_000,
      timeToCompleteSecs: 90,
    }),
  ]));
  assert.match(html, /<h2>Execution quality<\/h2>/);
  assert.deepEqual(rows(html, "execution-parents"), [
    ["p-0", "twap", "buy", "completed", "42,000.5", "42,010.25", "2.32", "1.25 %", "5", "600 s"],
    ["p-1", "twap", "sell", "canceled", "42,000.5", "41,990", "2.50", "50.00 %", "2", "90 s"],
  ]);
});

Deno.test("executionQualitySection sums each algorithm: parents, completed, children, quantities, weighted shortfall, participation, mean time", () => {
  const html = executionQualitySection(executionReport([
    parent(0),
    parent(1, { algorithm: "vwap", shortfallBps: 10, participation: 0.1, timeToCompleteSecs: 300 }),
    parent(2, {
      algorithm: "vwap",
      filled: 0,
      status: "expired",
      averagePrice: undefined,
      shortfallBps: undefined,
      participation: undefined,
      children: 3,
      timeToCompleteSecs: 900,
    }),
  ]));
  assert.deepEqual(rows(html, "execution-summary"), [
    ["twap", "1", "1", "5", "0.5", "0.5", "2.32", "1.25 %", "600 s"],
    // The expired parent filled nothing: it adds its children, quantity and time, not to the
    // shortfall or participation (a dash in its own row).
    ["vwap", "2", "1", "8", "1", "0.5", "10.00", "10.00 %", "600 s"],
  ]);
  assert.deepEqual(rows(html, "execution-parents")[2].slice(5, 8), ["—", "—", "—"]);
});

Deno.test("executionQualitySection is empty when no algorithm ran", () => {
  assert.equal(executionQualitySection(undefined), "");
});

Deno.test("executionQualitySection lists at most the first MAX_HTML_PARENTS parents, with a note", () => {
  const many = Array.from({ length: MAX_HTML_PARENTS + 5 }, (_, i) => parent(i));
  const html = executionQualitySection(executionReport(many));
  assert.equal(rows(html, "execution-parents").length, MAX_HTML_PARENTS);
  assert.match(
    html,
    new RegExp(`The first ${MAX_HTML_PARENTS} of ${MAX_HTML_PARENTS + 5} parents`),
  );
  // The summary still counts every parent.
  assert.equal(rows(html, "execution-summary")[0][1], String(MAX_HTML_PARENTS + 5));
});

Deno.test("executionQualitySection escapes the run's text and shows a dash for a figure that is not a number", () => {
  const html = executionQualitySection({
    summary: {},
    parents: [{ parentId: "<b>x</b>", algorithm: "twap", arrivalPrice: "n/a", children: 1 }],
  });
  const [row] = rows(html, "execution-parents");
  assert.equal(row[0], "&lt;b&gt;x&lt;/b&gt;");
  assert.equal(row[4], "—");
  assert.equal(row[8], "1");
});
