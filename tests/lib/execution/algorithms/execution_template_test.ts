import assert from "node:assert/strict";
import { ConfigError } from "../../../../lib/domain/mod.ts";
import { parseExecutionTable, templateHint } from "../../../../lib/execution/mod.ts";
import { main } from "../../../../cli/main.ts";
import { recordingIo } from "../../../../cli/io.ts";

const at = { file: "s.toml", line: 7 };

function refused(table: Record<string, unknown>): string {
  try {
    parseExecutionTable(table, at);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  throw new Error("not refused");
}

Deno.test("an [execution] table becomes the hint of signals without one", () => {
  assert.deepEqual(
    parseExecutionTable({ algorithm: "twap", duration_secs: 600, slices: 5, seed: 3 }).hint,
    { kind: "twap", durationSecs: 600, slices: 5, seed: 3 },
  );
  assert.deepEqual(
    parseExecutionTable({ algorithm: "trailing_stop", callback_rate: 0.5, activation_price: 10 })
      .hint,
    { kind: "trailing-stop", callbackRate: 0.5, activationPrice: 10 },
  );
  const iceberg = parseExecutionTable({
    algorithm: "iceberg",
    display_quantity: 0.002,
    offset_bps: 10,
  });
  assert.deepEqual(templateHint(iceberg, "buy", 100), {
    kind: "iceberg",
    displayQuantity: 0.002,
    price: 99.9,
  });
  assert.deepEqual(templateHint(iceberg, "sell", 100), {
    kind: "iceberg",
    displayQuantity: 0.002,
    price: 100.1,
  });
  const fixed = parseExecutionTable({ algorithm: "sniper", timeout_secs: 60, price: 95 });
  assert.deepEqual(templateHint(fixed, "buy", 100), { kind: "sniper", timeoutSecs: 60, price: 95 });
});

Deno.test("an [execution] table's mistakes are refused with what, where and a hint", () => {
  assert.equal(
    refused({ algorithm: "twapp" }),
    's.toml:7: [execution] algorithm must be one of twap, vwap, iceberg, pegged_best, sniper, trailing_stop, got "twapp" (hint: e.g. algorithm = "twap" with duration_secs and slices)',
  );
  assert.equal(
    refused({ algorithm: "twap", duration_secs: 600 }),
    "s.toml:7: [execution] twap needs slices (hint: add slices = …)",
  );
  assert.equal(
    refused({ algorithm: "twap", duration_secs: 600, slices: 2.5 }),
    "s.toml:7: [execution] slices must be a whole number, got 2.5",
  );
  assert.equal(
    refused({ algorithm: "vwap", duration_secs: 600, participation: 0.1, slices: 3 }),
    "s.toml:7: [execution] slices is not a vwap setting (hint: vwap takes duration_secs, participation, profile, bucket_secs)",
  );
  assert.equal(
    refused({ algorithm: "iceberg", display_quantity: 1 }),
    "s.toml:7: [execution] iceberg needs price or offset_bps (hint: offset_bps = 10 prices it 10 bps from the last price when the signal comes)",
  );
});

Deno.test("backtest run refuses an [execution] algorithm that cannot work on the instrument (exit 2)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tesser-exec-" });
  try {
    Deno.writeTextFileSync(
      `${dir}/s.toml`,
      'strategy_name = "SmaCross"\n[params]\nsymbol = "bybit:BTCUSDT"\n[execution]\nalgorithm = "vwap"\nduration_secs = 600\nparticipation = 2\n',
    );
    const io = recordingIo();
    const code = await main([
      "backtest",
      "run",
      "--strategy-config",
      `${dir}/s.toml`,
      "--data",
      "examples/data/btcusdt_1m_sample.parquet",
    ], io);
    assert.equal(code, 2);
    assert.match(
      io.err.join("\n"),
      /\[execution\] vwap for bybit:BTCUSDT: participation must be in \(0, 1\], got 2 \(hint: fix the strategy file's \[execution\] table\)/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
