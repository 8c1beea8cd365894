import assert from "node:assert/strict";
import { dataCommand } from "../../cli/data.ts";
import { recordingIo } from "../../cli/io.ts";
import { ConfigError } from "../../lib/domain/mod.ts";

Deno.test("tesser data synth, inspect, validate and resample work end to end", async () => {
  const dir = await Deno.makeTempDir();
  const io = recordingIo();
  assert.equal(
    await dataCommand(
      ["synth", "--output", `${dir}/s.parquet`, "--rows", "600", "--seed", "3"],
      io,
    ),
    0,
  );
  assert.equal(await dataCommand(["inspect", "--data", `${dir}/s.parquet`, "--json"], io), 0);
  const info = JSON.parse(io.out.at(-1) ?? "{}");
  assert.equal(info.rows, 600);
  assert.deepEqual(info.symbols, ["bybit:BTCUSDT"]);
  assert.equal(await dataCommand(["validate", "--data", `${dir}/s.parquet`], io), 0);
  assert.match(io.out.at(-1) ?? "", /600 rows, .*: clean$/);
  assert.equal(
    await dataCommand([
      "resample",
      "--data",
      `${dir}/s.parquet`,
      "--interval",
      "1h",
      "--output",
      `${dir}/h.parquet`,
    ], io),
    0,
  );
  assert.equal(io.out.at(-1), `wrote 10 1h bars to ${dir}/h.parquet`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("tesser data normalize converts the Tesser CSV with its ETL config", async () => {
  const dir = await Deno.makeTempDir();
  const io = recordingIo();
  const code = await dataCommand([
    "normalize",
    "--source",
    "tests/testdata/data/tesser_*.csv",
    "--output",
    dir,
    "--config",
    "configs/etl/sample_iso_csv.toml",
    "--symbol",
    "bybit:BTCUSDT",
  ], io);
  assert.equal(code, 0);
  assert.equal(
    io.out.at(-1),
    `wrote 360 rows of bybit:BTCUSDT 1m to ${dir}/bybit_BTCUSDT_1m.parquet`,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("tesser data with an unknown subcommand is a ConfigError", async () => {
  await assert.rejects(dataCommand(["frobnicate"], recordingIo()), ConfigError);
});

Deno.test("tesser data normalize makes a missing output folder, and asks for a symbol when none is known", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const args = [
      "normalize",
      "--source",
      "tests/testdata/data/tesser_*.csv",
      "--config",
      "configs/etl/sample_iso_csv.toml",
    ];
    const io = recordingIo();
    const code = await dataCommand([
      ...args,
      "--output",
      `${dir}/data/`,
      "--symbol",
      "bybit:BTCUSDT",
    ], io);
    assert.equal(code, 0);
    assert.ok(Deno.statSync(`${dir}/data/bybit_BTCUSDT_1m.parquet`).isFile);

    await Deno.writeTextFile(`${dir}/file`, "");
    await assert.rejects(
      () =>
        dataCommand(
          [...args, "--output", `${dir}/file`, "--symbol", "bybit:BTCUSDT"],
          recordingIo(),
        ),
      /cannot use .*\/file as the output folder: it exists and is not a folder/,
    );
    await assert.rejects(
      () => dataCommand([...args, "--output", `${dir}/other`], recordingIo()),
      (error: unknown) =>
        error instanceof ConfigError && /symbol is not known/.test(error.message) &&
        /--symbol/.test(error.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tesser data synth names an output it cannot write, and leaves nothing behind", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const synth = (output: string) =>
      dataCommand(["synth", "--rows", "10", "--output", output], recordingIo());
    await assert.rejects(() => synth(dir), new RegExp(`cannot write ${dir}: it is a folder`));
    await assert.rejects(
      () => synth(`${dir}/missing/x.parquet`),
      /x\.parquet: its folder does not exist/,
    );
    await Deno.writeTextFile(`${dir}/file`, "");
    await assert.rejects(
      () => synth(`${dir}/file/x.parquet`),
      /a part of the path is a file, not a folder/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["file"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tesser data synth counts in words that agree with the number", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const io = recordingIo();
    await dataCommand(["synth", "--rows", "1", "--output", `${dir}/one.parquet`], io);
    assert.match(io.out.join("\n"), /^wrote 1 synthetic bybit:BTCUSDT 1m bar \(seed 1\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
