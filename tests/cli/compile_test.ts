import assert from "node:assert/strict";

// `deno compile` downloads the `denort` runtime unless DENORT_BIN points at a local one; our
// build machines have no internet, so the test runs only when DENORT_BIN is set.
const denort = Deno.env.get("DENORT_BIN");
if (denort === undefined) {
  console.log("compile test skipped: set DENORT_BIN to a denort binary to run `deno task compile`");
}

Deno.test({
  name: "deno task compile builds a binary that runs the CLI",
  ignore: denort === undefined,
  async fn() {
    const root = new URL("../..", import.meta.url).pathname;
    const build = await new Deno.Command(Deno.execPath(), { args: ["task", "compile"], cwd: root })
      .output();
    assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));
    const run = await new Deno.Command(`${root}/dist/tesser`, { args: ["--version"], cwd: root })
      .output();
    assert.equal(run.code, 0);
    assert.match(new TextDecoder().decode(run.stdout), /^tesser \d+\.\d+\.\d+/);
  },
});
