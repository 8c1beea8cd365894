import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../../../cli/main.ts";
import { recordingIo } from "../../../cli/io.ts";
import { findChromium, HeadlessChromium } from "../../../tools/_chromium.ts";

const chromium = findChromium();
// CI installs Chromium (.ci/run sets CI); only a local machine without it
// may skip, and says so.
if (chromium === undefined) {
  if (Deno.env.get("CI") !== undefined) {
    throw new Error(
      "Chromium is required in CI for the report.html test (apt-get install chromium)",
    );
  }
  console.warn("report.html browser test skipped: no chromium on PATH (set $CHROMIUM)");
}

/** One drawn line of a chart, measured in the page. */
interface ChartLine {
  readonly id: string;
  readonly points: number;
  readonly length: number;
  readonly width: number;
  readonly height: number;
}

const ROOT = new URL("../../..", import.meta.url).pathname;

// A short synthetic run through the CLI: SmaCross with shorts and a stop-loss, so the price
// chart has entries, exits and stop levels.
async function reportDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tesser-html-" });
  await Deno.writeTextFile(
    join(dir, "sma.toml"),
    'strategy_name = "SmaCross"\n[params]\nsymbol = "bybit:BTCUSDT"\nfast_period = 30\n' +
      "slow_period = 120\nallow_short = true\nstop_loss_pct = 0.002\n",
  );
  const io = recordingIo();
  const code = await main([
    "--config-dir",
    join(ROOT, "config"),
    "backtest",
    "run",
    "--strategy-config",
    join(dir, "sma.toml"),
    // Absolute, so the run does not depend on the working directory other tests leave behind.
    "--markets-file",
    join(ROOT, "config", "markets.toml"),
    "--rows",
    String(90 * 1440),
    "--max-drawdown",
    "1",
    "--output-dir",
    join(dir, "out"),
  ], io);
  assert.equal(code, 0, io.err.join("\n"));
  return dir;
}

Deno.test({
  name: "report.html renders in headless Chromium with its charts and no console errors",
  ignore: chromium === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await reportDir();
    const browser = await HeadlessChromium.launch(chromium ?? "chromium");
    try {
      const page = await browser.open(`file://${join(dir, "out", "report.html")}`);
      const counts = await browser.evaluate(
        page.session,
        `(() => {
          const n = (q) => document.querySelectorAll(q).length;
          const box = (q) => { const e = document.querySelector(q); return e ? e.getBoundingClientRect().width : 0; };
          return {
            candles: n("#price-chart rect.candle"),
            wicks: n("#price-chart line.wick"),
            entries: n("#price-chart path.entry"),
            exits: n("#price-chart path.exit"),
            stops: n("#price-chart line.level.stop"),
            equityLine: n("#equity-chart path.line:not(.hold)"),
            holdLine: n("#equity-chart path.line.hold"),
            drawdownLine: n("#drawdown-chart path.line"),
            months: n("#monthly-returns tbody td.num"),
            years: n("#monthly-returns tbody tr"),
            refusals: n("#rejections-table tbody tr"),
            metrics: n("#metrics-table table"),
            priceWidth: box("#price-chart"),
            equityWidth: box("#equity-chart"),
            // Geometry of the drawn lines: a chart that renders as a dot or a flat stroke fails.
            lines: ["equity-chart", "drawdown-chart"].map((id) => {
              const path = document.querySelector("#" + id + " path.line");
              const b = path.getBBox();
              return { id, points: path.getAttribute("d").split(/[ML]/).length - 1,
                length: path.getTotalLength(), width: b.width, height: b.height };
            }),
          };
        })()`,
      ) as Record<string, number> & { lines: readonly ChartLine[] };
      assert.ok(counts.candles > 50 && counts.candles <= 300, `candles ${counts.candles}`);
      assert.equal(counts.wicks, counts.candles);
      assert.ok(counts.entries > 0);
      assert.equal(counts.exits, counts.entries);
      assert.ok(counts.stops > 0, "the stop-loss levels are drawn");
      assert.equal(counts.equityLine, 1);
      assert.equal(counts.holdLine, 1);
      assert.equal(counts.drawdownLine, 1);
      // 90 days from 2024-01-01: January to March, and each year's total.
      assert.equal(counts.years, 1);
      assert.ok(counts.months >= 4);
      assert.ok(counts.refusals >= 1);
      assert.equal(counts.metrics, 3);
      assert.ok(counts.priceWidth > 300 && counts.equityWidth > 300, "the charts have a layout");
      for (const line of counts.lines) {
        assert.ok(line.points > 300, `${line.id}: ${line.points} points`);
        assert.ok(line.length > 500, `${line.id}: path length ${line.length}`);
        assert.ok(line.width > 300 && line.height > 20, `${line.id}: ${line.width}×${line.height}`);
      }
      const png = await browser.screenshot(page.session);
      assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
      assert.ok(png.byteLength > 20_000, `screenshot of ${png.byteLength} bytes`);
      await Deno.writeFile(join(dir, "report.png"), png);
      assert.deepEqual(page.errors, []);
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
