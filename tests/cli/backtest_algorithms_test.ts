// Execution algorithms through the CLI: SmaCross with VWAP on the shipped sample, the parent
// ids in orders.csv and fills.csv, and the report's execution quality recomputed here from
// the CSV files alone.
import assert from "node:assert/strict";
import { main } from "../../cli/main.ts";
import { recordingIo } from "../../cli/io.ts";

/** Runs SmaCross on the shipped sample with `extra` flags into a temp dir; `check` reads it. */
async function sampleRun(extra: readonly string[], check: (out: string) => void): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tesser-algo-" });
  try {
    const io = recordingIo();
    const code = await main([
      "backtest",
      "run",
      "--strategy-config",
      "examples/strategies/sma_cross.toml",
      "--data",
      "examples/data/btcusdt_1m_sample.parquet",
      ...extra,
      "--output-dir",
      `${dir}/out`,
    ], io);
    assert.equal(code, 0, io.err.join("\n"));
    check(`${dir}/out`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function csv(path: string): Record<string, string>[] {
  const [header, ...rows] = Deno.readTextFileSync(path).trimEnd().split("\n");
  const names = header.split(",");
  return rows.map((row) => Object.fromEntries(row.split(",").map((v, i) => [names[i], v])));
}

interface ParentRow {
  parentId: string;
  algorithm: string;
  side: string;
  status: string;
  quantity: number;
  filled: number;
  arrivalPrice: number;
  averagePrice: number | null;
  shortfallBps: number | null;
  children: number;
  start: string;
  end: string | null;
  timeToCompleteSecs: number | null;
}

Deno.test("backtest run --param vwap_duration_secs=600 works the entries by VWAP and reports each parent's execution quality", async () => {
  await sampleRun(["--param", "vwap_duration_secs=600"], (out) => {
    const orders = csv(`${out}/orders.csv`);
    const fills = csv(`${out}/fills.csv`);
    const report = JSON.parse(Deno.readTextFileSync(`${out}/report.json`));
    const parents: ParentRow[] = report.executionAlgorithms.parents;
    assert.ok(parents.length >= 2);
    assert.ok(parents.every((p) => p.algorithm === "vwap"));
    assert.ok("parentId" in orders[0] && "parentId" in fills[0]);
    for (const p of parents) {
      const children = orders.filter((o) => o.parentId === p.parentId);
      const own = fills.filter((f) => f.parentId === p.parentId);
      // A child sent at the last close never reached a bar, so orders.csv (orders with a
      // venue report) cannot list it: only a parent still working at the end may show fewer.
      if (p.status === "working") assert.ok(children.length <= p.children, p.parentId);
      else assert.equal(children.length, p.children, p.parentId);
      let quantity = 0;
      let notional = 0;
      for (const f of own) {
        quantity += Number(f.qty);
        notional += Number(f.qty) * Number(f.price);
      }
      assert.ok(Math.abs(quantity - p.filled) < 1e-9);
      if (quantity === 0) continue;
      const average = notional / quantity;
      const sign = p.side === "buy" ? 1 : -1;
      const shortfall = sign * (average - p.arrivalPrice) / p.arrivalPrice * 10_000;
      assert.ok(Math.abs(average - (p.averagePrice ?? NaN)) < 1e-6, `${p.parentId} average`);
      assert.ok(Math.abs(shortfall - (p.shortfallBps ?? NaN)) < 1e-6, `${p.parentId} shortfall`);
      if (p.end !== null) {
        const secs = (Date.parse(p.end) - Date.parse(p.start)) / 1000;
        assert.equal(secs, p.timeToCompleteSecs);
        // Every child was sent inside the parent's life.
        for (const c of children) assert.ok(c.createdTs >= p.start && c.createdTs <= p.end);
      }
    }
    // Orders without a parent (none here besides the children) keep an empty parentId.
    const summary = report.executionAlgorithms.summary.vwap;
    assert.equal(summary.parents, parents.length);
    assert.equal(summary.children, parents.reduce((a, p) => a + p.children, 0));
  });
});

Deno.test("backtest run without algorithms keeps the report files' columns (no parentId)", async () => {
  await sampleRun([], (out) => {
    assert.ok(!Deno.readTextFileSync(`${out}/orders.csv`).split("\n")[0].includes("parentId"));
    assert.ok(!Deno.readTextFileSync(`${out}/fills.csv`).split("\n")[0].includes("parentId"));
    assert.equal(
      JSON.parse(Deno.readTextFileSync(`${out}/report.json`)).executionAlgorithms,
      undefined,
    );
  });
});

Deno.test("backtest run with an execution algorithm shows each parent's execution quality in report.html", async () => {
  await sampleRun(["--param", "vwap_duration_secs=600"], (out) => {
    const report = JSON.parse(Deno.readTextFileSync(`${out}/report.json`));
    const parents: ParentRow[] = report.executionAlgorithms.parents;
    const html = Deno.readTextFileSync(`${out}/report.html`);
    assert.ok(parents.length >= 2);
    assert.match(html, /<h2>Execution quality<\/h2>/);
    const table = /<table[^>]*id="execution-parents"[\s\S]*?<\/table>/.exec(html)?.[0] ?? "";
    const rows = [...table.matchAll(/<tr><th scope="row">([^<]*)<\/th>([\s\S]*?)<\/tr>/g)];
    assert.equal(rows.length, parents.length);
    for (const [i, parent] of parents.entries()) {
      const [, id, rest] = rows[i];
      const cells = [...rest.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
      assert.equal(id, parent.parentId);
      assert.equal(cells[0], "vwap");
      // Both prices, the shortfall to two decimals and the children as report.json has them.
      assert.equal(Number(cells[3].replaceAll(",", "")), parent.arrivalPrice);
      if (parent.averagePrice !== null) {
        assert.ok(Math.abs(Number(cells[4].replaceAll(",", "")) - parent.averagePrice) < 1e-6);
      }
      assert.equal(cells[5], parent.shortfallBps === null ? "—" : parent.shortfallBps.toFixed(2));
      assert.equal(cells[7], String(parent.children));
    }
    assert.match(html, /id="execution-summary">[\s\S]*?<th scope="row">vwap<\/th>/);
  });
});

Deno.test("backtest run without an execution algorithm has no execution-quality section in report.html", async () => {
  await sampleRun([], (out) => {
    const html = Deno.readTextFileSync(`${out}/report.html`);
    assert.doesNotMatch(html, /Execution quality|execution-parents|execution-summary/);
  });
});
