import assert from "node:assert/strict";
import { LiveMetrics } from "../../lib/live/ops/metrics.ts";
import { requireTool, runTool } from "../lib/live/ops/_tools.ts";

const DASHBOARD = new URL("../../examples/grafana/tesser_live_dashboard.json", import.meta.url);

interface Panel {
  readonly title: string;
  readonly targets?: readonly { readonly expr: string }[];
}

function queriedNames(expr: string): string[] {
  // A histogram is queried through its _bucket/_sum/_count series; the registry names the base.
  return [...expr.matchAll(/\btesser_[a-z_]+/g)].map((match) =>
    match[0].replace(/_(bucket|sum|count)$/, "")
  );
}

Deno.test("every metric the Grafana dashboard queries exists in the LiveMetrics registry", () => {
  const dashboard = JSON.parse(Deno.readTextFileSync(DASHBOARD));
  const panels: Panel[] = dashboard.panels;
  const registered = new Set(new LiveMetrics().names());
  const queried = new Set<string>();
  for (const panel of panels) {
    assert.ok((panel.targets ?? []).length > 0, `panel "${panel.title}" has no query`);
    for (const target of panel.targets ?? []) {
      const names = queriedNames(target.expr);
      assert.ok(
        names.length > 0,
        `panel "${panel.title}" queries no tesser_ metric: ${target.expr}`,
      );
      for (const name of names) {
        assert.ok(
          registered.has(name),
          `panel "${panel.title}" queries ${name}, which is not registered`,
        );
        queried.add(name);
      }
    }
  }
  const variable = JSON.stringify(dashboard.templating);
  for (const name of queriedNames(variable)) {
    assert.ok(registered.has(name), `variable uses ${name}`);
  }
  const unshown = [...registered].filter((name) => !queried.has(name));
  assert.deepEqual(unshown, [], "every registered metric has a panel");
});

Deno.test("the dashboard test catches a misspelled metric", () => {
  const registered = new Set(new LiveMetrics().names());
  const names = queriedNames("rate(tesser_event_total[1m]) + tesser_tick_to_order_seconds_bucket");
  assert.deepEqual(names.map((name) => registered.has(name)), [false, true]);
});

const PROMTOOL = requireTool("promtool", "grafana_dashboard_test");

Deno.test({
  name: "every dashboard query is valid PromQL (promtool check rules)",
  ignore: PROMTOOL === undefined,
  fn: async () => {
    const dashboard = JSON.parse(Deno.readTextFileSync(DASHBOARD));
    const exprs: string[] = (dashboard.panels as Panel[]).flatMap((panel) =>
      (panel.targets ?? []).map((target) => target.expr)
    );
    // Each query as a recording rule: promtool parses every expression of a rules file.
    const rules = [
      "groups:",
      "  - name: dashboard",
      "    rules:",
      ...exprs.flatMap((
        expr,
        i,
      ) => [`      - record: dashboard:q${i}`, `        expr: ${JSON.stringify(expr)}`]),
      "",
    ].join("\n");
    const dir = Deno.makeTempDirSync();
    const path = `${dir}/rules.yml`;
    Deno.writeTextFileSync(path, rules);
    const { code, out } = await runTool(PROMTOOL ?? "promtool", ["check", "rules", path]);
    Deno.removeSync(dir, { recursive: true });
    assert.equal(code, 0, out);
    assert.match(out, new RegExp(`SUCCESS: ${exprs.length} rules found`));
  },
});
