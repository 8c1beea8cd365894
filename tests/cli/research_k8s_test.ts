import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../../cli/main.ts";
import { recordingIo } from "../../cli/io.ts";

// The Indexed Job's container args, with the pod's volumes mapped to local folders.
async function manifestArgs(file: string, results: string): Promise<string[]> {
  const text = await Deno.readTextFile(`examples/k8s/${file}`);
  // A flow sequence of double-quoted strings (deno fmt may wrap it): JSON once the trailing
  // comma is gone.
  const list = /^\s*args: (\[[^\]]*\])/m.exec(text)?.[1];
  assert.ok(list !== undefined, `${file} lost its args list`);
  return (JSON.parse(list.replace(/,\s*\]$/, "]")) as string[]).map((arg) =>
    arg.replace(/^\/data\//, "examples/data/").replace(/^\/results/, results)
  );
}

function completions(text: string): number {
  return Number(/^\s*completions: (\d+)/m.exec(text)?.[1]);
}

Deno.test("the Kubernetes example's shard pods and merge job produce the unsharded results", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tesser-k8s-" });
  try {
    const shardArgs = await manifestArgs("research-optimize-job.yaml", dir);
    const count = completions(await Deno.readTextFile("examples/k8s/research-optimize-job.yaml"));
    assert.equal(shardArgs[shardArgs.indexOf("--shard-count") + 1], String(count));
    for (let index = 0; index < count; index++) {
      Deno.env.set("JOB_COMPLETION_INDEX", String(index));
      const io = recordingIo();
      assert.equal(await main(shardArgs, io), 0, io.err.join("\n"));
    }
    Deno.env.delete("JOB_COMPLETION_INDEX");
    const io = recordingIo();
    assert.equal(await main(await manifestArgs("research-merge-job.yaml", dir), io), 0);
    // The same study unsharded.
    const whole = join(dir, "whole");
    const at = shardArgs.indexOf("--shard-count");
    const unsharded = [...shardArgs.slice(0, at), ...shardArgs.slice(at + 2)]
      .map((arg) => (arg === join(dir, "sma-sweep") ? whole : arg));
    assert.equal(await main(unsharded, recordingIo()), 0);
    for (const name of ["results.parquet", "results.csv", "best.toml", "report.html"]) {
      assert.deepEqual(
        await Deno.readFile(join(dir, "sma-sweep", "merged", name)),
        await Deno.readFile(join(whole, name)),
        name,
      );
    }
  } finally {
    Deno.env.delete("JOB_COMPLETION_INDEX");
    await Deno.remove(dir, { recursive: true });
  }
});
