/**
 * How long a long run's `report.html` takes to render in headless Chromium (issue 19: < 2 s
 * for a 10M-bar run): SmaCross (50/200) over N synthetic 1m candles through `tesser backtest
 * run --output-dir`, then the report opened five times in one browser, each time from
 * navigation start to the end of the load event (the charts are inline SVG, so this includes
 * parsing and laying them out), and the renderer's own busy time for the page (DevTools
 * `Performance.getMetrics` TaskDuration, which moves less than wall time on a shared machine).
 *
 *   deno run -A bench/report_render.ts [rows=10000000]
 *
 * Needs Chromium (`$CHROMIUM` or `chromium` on PATH).
 *
 * @module
 */

import { generateCandles, writeCandleParquet } from "../lib/data/mod.ts";
import { findChromium, HeadlessChromium } from "../tools/_chromium.ts";

const rows = Number(Deno.args[0] ?? 10_000_000);
const binary = findChromium();
if (!Number.isSafeInteger(rows) || rows < 1 || binary === undefined) {
  console.error(
    binary === undefined
      ? "bench/report_render.ts needs Chromium: install it (apt-get install chromium) or set $CHROMIUM"
      : `usage: deno run -A bench/report_render.ts [rows] (a positive integer, not "${
        Deno.args[0]
      }")`,
  );
  Deno.exit(2);
}
const root = new URL("..", import.meta.url).pathname;
const dir = await Deno.makeTempDir({ prefix: "tesser-render-" });
try {
  const data = `${dir}/candles.parquet`;
  await writeCandleParquet(data, generateCandles({ rows, seed: 7, symbol: "bybit:BTCUSDT" }), {
    symbol: "bybit:BTCUSDT",
    interval: "1m",
  });
  await Deno.writeTextFile(
    `${dir}/sma.toml`,
    'strategy_name = "SmaCross"\n\n[params]\nsymbol = "bybit:BTCUSDT"\nfast_period = 50\nslow_period = 200\n',
  );
  const run = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "-A",
      "cli/main.ts",
      "backtest",
      "run",
      "--strategy-config",
      `${dir}/sma.toml`,
      "--data",
      data,
      "--max-drawdown",
      "1",
      "--output-dir",
      `${dir}/report`,
    ],
    cwd: root,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!run.success) throw new Error(new TextDecoder().decode(run.stderr));
  const html = `${dir}/report/report.html`;
  const size = (await Deno.stat(html)).size;
  console.log(`report.html of ${rows} bars: ${(size / 1024).toFixed(0)} KiB`);
  // A fresh browser per load: the renderer's busy time then counts this page only.
  const loads: number[] = [];
  const tasks: number[] = [];
  for (let i = 0; i < 5; i++) {
    const browser = await HeadlessChromium.launch(binary);
    try {
      const page = await browser.open(`file://${html}`);
      const timing = await browser.evaluate(
        page.session,
        `(() => {
          const nav = performance.getEntriesByType("navigation")[0];
          return { load: nav.loadEventEnd - nav.startTime };
        })()`,
      ) as { load: number };
      const { metrics } = await browser.send("Performance.getMetrics", {}, page.session);
      const task = (metrics as { name: string; value: number }[])
        .find((m) => m.name === "TaskDuration")?.value ?? Number.NaN;
      if (page.errors.length > 0) throw new Error(`console errors: ${page.errors.join("; ")}`);
      loads.push(timing.load);
      tasks.push(task * 1000);
    } finally {
      await browser.close();
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log(
    `render (navigation → load end), 5 loads: median ${median(loads).toFixed(0)} ms, max ${
      Math.max(...loads).toFixed(0)
    } ms (target < 2000 ms)`,
  );
  console.log(`renderer busy time (TaskDuration): median ${median(tasks).toFixed(0)} ms`);
} finally {
  await Deno.remove(dir, { recursive: true });
}
