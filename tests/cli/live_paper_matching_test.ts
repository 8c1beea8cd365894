/**
 * `live run --paper-matching`: the default by the strategy's subscriptions and the feed, and the
 * errors a user can cause with it (a bad value, tick matching on the trades-only sandbox).
 */

import assert from "node:assert/strict";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";

async function run(dir: string, strategy: string, extra: readonly string[]) {
  const io = recordingIo();
  const code = await main([
    "live",
    "run",
    "--strategy-config",
    strategy,
    "--max-events",
    "2",
    "--state-path",
    `${dir}/state.db`,
    "--log-path",
    `${dir}/live.json`,
    "--metrics-addr",
    "127.0.0.1:0",
    ...extra,
  ], io);
  return { code, err: io.err.join("\n") };
}

Deno.test("live run --paper-matching: refused values and tick on the trades-only sandbox say why; the sandbox defaults to candle", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tesser-paper-matching-" });
  try {
    const bad = await run(dir, "examples/strategies/sma_cross.toml", ["--paper-matching", "book"]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /flag --paper-matching: "book" is not one of candle, tick/);
    const tick = await run(dir, "examples/strategies/sma_cross.toml", ["--paper-matching", "tick"]);
    assert.equal(tick.code, 2);
    assert.match(tick.err, /paper tick matching needs a feed with order books/);
    assert.match(tick.err, /use candle matching/);
    // Without the flag the sandbox runs on candle matching (its walk has no book).
    const sandbox = await run(dir, "examples/strategies/sma_cross.toml", ["--seed", "3"]);
    assert.equal(sandbox.code, 0, sandbox.err);
    assert.match(sandbox.err, /paper execution \(candle matching\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
