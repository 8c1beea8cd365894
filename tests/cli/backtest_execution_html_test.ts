// report.html's execution-quality section through the CLI: present with report.json's figures
// when an execution algorithm ran, absent when none did.
import assert from "node:assert/strict";
import { main } from "../../cli/main.ts";
import { recordingIo } from "../../cli/io.ts";

/** Runs SmaCross on the shipped sample with `extra` flags; returns report.json and report.html. */
async function sampleRun(
  extra: readonly string[],
): Promise<{ readonly report: Record<string, unknown>; readonly html: string }> {
  const dir = await Deno.makeTempDir({ prefix: "tesser-exec-html-" });
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
    return {
      report: JSON.parse(await Deno.readTextFile(`${dir}/out/report.json`)),
      html: await Deno.readTextFile(`${dir}/out/report.html`),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

interface ParentRow {
  readonly parentId: string;
  readonly algorithm: string;
  readonly arrivalPrice: number;
  readonly averagePrice: number | null;
  readonly shortfallBps: number | null;
  readonly children: number;
}

Deno.test("backtest run with an execution algorithm shows each parent's execution quality in report.html", async () => {
  const { report, html } = await sampleRun(["--param", "vwap_duration_secs=600"]);
  const section = report.executionAlgorithms as { readonly parents: readonly ParentRow[] };
  assert.ok(section.parents.length >= 2);
  assert.match(html, /<h2>Execution quality<\/h2>/);
  const table = /<table[^>]*id="execution-parents"[\s\S]*?<\/table>/.exec(html)?.[0] ?? "";
  const rows = [...table.matchAll(/<tr><th scope="row">([^<]*)<\/th>([\s\S]*?)<\/tr>/g)];
  assert.equal(rows.length, section.parents.length);
  for (const [i, parent] of section.parents.entries()) {
    const [, id, rest] = rows[i];
    const cells = [...rest.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    assert.equal(id, parent.parentId);
    assert.equal(cells[0], "vwap");
    // The shortfall to two decimals, the children count and both prices as report.json has them.
    assert.equal(cells[5], parent.shortfallBps === null ? "—" : parent.shortfallBps.toFixed(2));
    assert.equal(cells[7], String(parent.children));
    assert.equal(Number(cells[3].replaceAll(",", "")), parent.arrivalPrice);
    if (parent.averagePrice !== null) {
      assert.ok(Math.abs(Number(cells[4].replaceAll(",", "")) - parent.averagePrice) < 1e-6);
    }
  }
  assert.match(
    html,
    /<table class="grid" id="execution-summary">[\s\S]*?<th scope="row">vwap<\/th>/,
  );
});

Deno.test("backtest run without an execution algorithm has no execution-quality section in report.html", async () => {
  const { report, html } = await sampleRun([]);
  assert.equal(report.executionAlgorithms, undefined);
  assert.doesNotMatch(html, /Execution quality|execution-parents|execution-summary/);
});
