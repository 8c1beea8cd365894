/**
 * The deployment examples (systemd unit, Docker Compose, Kubernetes Deployment) pass only flags
 * `tesser live run` knows, with values it accepts.
 */

import assert from "node:assert/strict";
import { LIVE_FLAGS } from "../../cli/_live_settings.ts";
import { parseFlags } from "../../cli/usage_error.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** The `--flag=value` items after `live run` in a YAML args/command list. */
function yamlFlags(text: string): string[] {
  return [...text.matchAll(/^\s*- (--[a-z-]+(?:=\S+)?)\s*$/gm)].map((m) => m[1])
    .filter((flag) => !flag.startsWith("--env"));
}

Deno.test("examples/k8s/live-deployment.yaml: its live run flags parse", async () => {
  const flags = yamlFlags(await Deno.readTextFile(`${ROOT}examples/k8s/live-deployment.yaml`));
  assert.ok(flags.includes("--exec=live"));
  const parsed = parseFlags("live run", flags, LIVE_FLAGS);
  assert.equal(parsed.values["state-path"], "/var/lib/tesser/sma_cross.db");
});

Deno.test("examples/docker/docker-compose.yml: each service's live run flags parse", async () => {
  const text = await Deno.readTextFile(`${ROOT}examples/docker/docker-compose.yml`);
  const services = text.slice(0, text.indexOf("\nvolumes:")).split(/^ {2}[a-z-]+:\s*$/m).slice(1);
  assert.equal(services.length, 2);
  for (const service of services) {
    const parsed = parseFlags("live run", yamlFlags(service), LIVE_FLAGS);
    assert.ok(typeof parsed.values["strategy-config"] === "string");
    assert.ok(typeof parsed.values["metrics-addr"] === "string");
  }
});

Deno.test("examples/systemd: the unit's flags parse, and each instance file sets every variable it uses", async () => {
  const unit = await Deno.readTextFile(`${ROOT}examples/systemd/tesser-live@.service`);
  const exec = /ExecStart=([\s\S]*?)\n(?!\s)/.exec(unit)?.[1].replace(/\\\n\s*/g, " ") ?? "";
  const words = exec.split(/\s+/).filter((w) => w !== "");
  const variables = [...new Set([...exec.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]))];
  for (const file of ["sma_cross.env", "mean_reversion.env"]) {
    const env = Object.fromEntries(
      (await Deno.readTextFile(`${ROOT}examples/systemd/${file}`)).split("\n")
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    for (const name of variables) assert.ok(name in env, `${file} sets ${name}`);
    const expanded = words.map((w) => w.replace(/\$\{([A-Z_]+)\}/g, (_, n) => env[n]));
    const run = expanded.indexOf("run");
    assert.equal(expanded[run - 1], "live");
    parseFlags("live run", expanded.slice(run + 1), LIVE_FLAGS);
  }
});
