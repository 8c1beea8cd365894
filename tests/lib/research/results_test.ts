import assert from "node:assert/strict";
import { join } from "node:path";
import {
  mergeParts,
  partFileName,
  type ReadResults,
  readStudyFile,
  resultsCsv,
  resultsTable,
  runStudy,
  writeStudyPart,
  writeStudyResults,
} from "../../../lib/research/mod.ts";
import { parseToml } from "../../../lib/config/mod.ts";
import { fakeEvaluator, sampleSpec } from "./_study_fixture.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "tesser-research-" });
}

async function filesOf(dir: string): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const name of ["results.parquet", "results.csv", "best.toml", "report.html"]) {
    out[name] = await Deno.readFile(join(dir, name));
  }
  return out;
}

Deno.test("writeStudyResults writes the table as Parquet and CSV and the best set as TOML", async () => {
  const dir = await tempDir();
  try {
    const spec = sampleSpec({ test: { from: 100, to: 200 } });
    const results = await runStudy(spec, fakeEvaluator());
    const written = await writeStudyResults(dir, spec, results);
    assert.equal(written.best?.trial, 5);
    const csv = await Deno.readTextFile(join(dir, "results.csv"));
    const lines = csv.trimEnd().split("\n");
    assert.equal(lines.length, 9);
    assert.match(lines[0], /^trial,param_fast_period,param_slow_period,status,score,trades,/);
    assert.match(lines[0], /,test_trades,.*,error$/);
    assert.match(lines[7], /^6,11,20,failed,,/);
    assert.match(lines[7], /,boom at 11$/);
    const best = parseToml(await Deno.readTextFile(join(dir, "best.toml")), "best.toml");
    assert.deepEqual(best, {
      strategy_name: "SmaCross",
      params: { symbol: "bybit:BTCUSDT", fast_period: 8, slow_period: 20 },
    });
    const back = await readStudyFile(join(dir, "results.parquet"));
    assert.deepEqual(back.results, results);
    assert.deepEqual(back.spec, JSON.parse(JSON.stringify(spec)));
    assert.equal(back.shard, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("merged parts give the bytes of an unsharded run, whatever the shard count", async () => {
  const dir = await tempDir();
  try {
    for (const spec of [sampleSpec(), sampleSpec({ method: "random", trials: 6, seed: 4 })]) {
      const whole = join(dir, `whole-${spec.method}`);
      await Deno.mkdir(whole);
      await writeStudyResults(whole, spec, await runStudy(spec, fakeEvaluator()));
      const expected = await filesOf(whole);
      for (const count of [1, 3, 5]) {
        const parts = join(dir, `parts-${spec.method}-${count}`);
        await Deno.mkdir(parts);
        const files: string[] = [];
        for (let index = count - 1; index >= 0; index--) {
          const shard = { index, count };
          files.push(
            await writeStudyPart(
              parts,
              spec,
              shard,
              await runStudy(spec, fakeEvaluator(), { shard }),
            ),
          );
        }
        const read = await Promise.all(
          files.map(async (file) => ({ ...(await readStudyFile(file)), file })),
        );
        const merged = mergeParts(read);
        const out = join(parts, "merged");
        await Deno.mkdir(out);
        await writeStudyResults(out, merged.spec, merged.results);
        assert.deepEqual(await filesOf(out), expected, `${spec.method} in ${count} shards`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mergeParts refuses missing, repeated, foreign and whole-study files", async () => {
  const dir = await tempDir();
  try {
    const spec = sampleSpec();
    const part = async (index: number, count: number, s = spec) => {
      const shard = { index, count };
      const file = await writeStudyPart(
        dir,
        s,
        shard,
        await runStudy(s, fakeEvaluator(), { shard }),
      );
      return { ...(await readStudyFile(file)), file };
    };
    const p0 = await part(0, 3);
    const p1 = await part(1, 3);
    const p2 = await part(2, 3);
    assert.equal(p0.file, join(dir, "part-00000-of-00003.parquet"));
    assert.equal(partFileName({ index: 12, count: 100 }), "part-00012-of-00100.parquet");
    assert.throws(() => mergeParts([p0, p2]), {
      name: "DataError",
      message: /shard 1 of 3 missing \(hint: run the missing shards/,
    });
    assert.throws(() => mergeParts([p0, p1, p1, p2]), { message: /shard 1 is given twice/ });
    const other = await part(1, 2, sampleSpec({ minTrades: 4 }));
    assert.throws(() => mergeParts([p0, other]), {
      message: /part-00001-of-00002\.parquet: this part belongs to another study/,
    });
    const q = await part(1, 2);
    assert.throws(() => mergeParts([p0, q]), { message: /one of 2 shards, .* one of 3/ });
    await writeStudyResults(dir, spec, await runStudy(spec, fakeEvaluator()));
    const whole = {
      ...(await readStudyFile(join(dir, "results.parquet"))),
      file: "results.parquet",
    };
    assert.throws(() => mergeParts([whole]), { message: /not a part/ });
    assert.throws(() => mergeParts([]), { message: /no parts to merge/ });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("results files of non-numeric params keep their values as JSON", () => {
  const spec = sampleSpec({
    space: {
      params: [{ kind: "values", name: "mode", values: ["a", true] }],
      constraints: [],
    },
  });
  const table = resultsTable(spec, [
    {
      trial: 0,
      params: { mode: "a" },
      status: "ok",
      score: 1,
      metrics: null,
      test: null,
      error: "",
    },
  ]);
  assert.match(resultsCsv(table), /^trial,param_mode,.*\n0,"""a""",ok,1,/);
});

Deno.test("TPE parts merge when their ids tile the study (chains are not re-planned)", async () => {
  const dir = await tempDir();
  try {
    const spec = sampleSpec({ method: "tpe", trials: 5, seed: 1 });
    const read: (ReadResults & { file: string })[] = [];
    for (const index of [0, 1]) {
      const shard = { index, count: 2 };
      const file = await writeStudyPart(
        dir,
        spec,
        shard,
        await runStudy(spec, fakeEvaluator(), { shard }),
      );
      read.push({ ...(await readStudyFile(file)), file });
    }
    const merged = mergeParts(read);
    assert.deepEqual(merged.results.map((r) => r.trial), [0, 1, 2, 3, 4]);
    assert.throws(() => mergeParts([read[0], { ...read[1], results: read[1].results.slice(1) }]), {
      message: /the parts hold 4 trials, the study plans 5/,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
