import assert from "node:assert/strict";
import { join } from "node:path";
import { LiveMetrics } from "../../../../lib/live/ops/metrics.ts";
import { startOpsServer } from "../../../../lib/live/ops/server.ts";
import { requireTool } from "./_tools.ts";

const PROMETHEUS = requireTool("prometheus", "prometheus_scrape_test");

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

interface QueryAnswer {
  readonly status: string;
  readonly data?: {
    readonly result: readonly {
      readonly metric: Record<string, string>;
      readonly value: [number, string];
    }[];
  };
}

Deno.test({
  name: "a real Prometheus scrapes the ops server and its API returns our values",
  ignore: PROMETHEUS === undefined,
  fn: async () => {
    const metrics = new LiveMetrics({ strategy: "prom_it" });
    metrics.equity(12_345.5);
    metrics.killSwitch(true);
    for (let i = 0; i < 42; i++) metrics.event("trade");
    const ops = startOpsServer({ addr: "127.0.0.1:0", metrics, health: () => ({ status: "ok" }) });
    const dir = Deno.makeTempDirSync({ prefix: "tesser_prom_" });
    const webPort = freePort();
    const config = join(dir, "prometheus.yml");
    Deno.writeTextFileSync(
      config,
      [
        "global:",
        "  scrape_interval: 1s",
        "  evaluation_interval: 1s",
        "scrape_configs:",
        "  - job_name: tesser",
        "    static_configs:",
        `      - targets: ["${ops.addr}"]`,
        "",
      ].join("\n"),
    );
    const child = new Deno.Command(PROMETHEUS ?? "prometheus", {
      args: [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${webPort}`,
        "--log.level=warn",
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = child.output();
    const api = `http://127.0.0.1:${webPort}/api/v1/query?query=`;
    const query = async (promql: string): Promise<QueryAnswer | undefined> => {
      try {
        const response = await fetch(api + encodeURIComponent(promql), {
          signal: AbortSignal.timeout(2_000),
        });
        return response.ok
          ? await response.json() as QueryAnswer
          : (await response.body?.cancel(), undefined);
      } catch {
        return undefined; // not listening yet
      }
    };
    try {
      let equity: QueryAnswer | undefined;
      const deadline = Date.now() + 45_000;
      while (Date.now() < deadline) {
        equity = await query("tesser_equity");
        if ((equity?.data?.result.length ?? 0) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const [sample] = equity?.data?.result ?? [];
      assert.ok(sample !== undefined, "Prometheus returned tesser_equity within 45 s");
      assert.equal(sample.value[1], "12345.5");
      assert.equal(sample.metric.strategy, "prom_it");
      assert.equal(sample.metric.job, "tesser");
      const events = await query('tesser_events_total{kind="trade"}');
      assert.equal(events?.data?.result[0]?.value[1], "42");
      const kill = await query("tesser_kill_switch");
      assert.equal(kill?.data?.result[0]?.value[1], "1");
    } finally {
      child.kill("SIGTERM");
      const { code, stderr } = await output;
      await ops.close();
      Deno.removeSync(dir, { recursive: true });
      assert.equal(code, 0, `prometheus did not stop cleanly: ${new TextDecoder().decode(stderr)}`);
    }
  },
});
