import assert from "node:assert/strict";
import { recordingIo } from "../../cli/io.ts";
import { type ProgressStream, startProgress } from "../../cli/progress.ts";
import { dataCommand } from "../../cli/data.ts";

function fakeTerminal(): ProgressStream & { readonly chunks: string[] } {
  const chunks: string[] = [];
  return {
    chunks,
    isTTY: true,
    columns: 100,
    write: (chunk) => {
      chunks.push(chunk);
      return true;
    },
  };
}

Deno.test("startProgress draws nothing when stderr is not a terminal", () => {
  const io = recordingIo();
  const stream = fakeTerminal();
  const progress = startProgress(io, 1000, "normalize", { stream });
  progress.update(400);
  progress.stop();
  assert.deepEqual(stream.chunks, []);
  assert.deepEqual(io.out, []);
  assert.deepEqual(io.err, []);
});

Deno.test("startProgress on a terminal draws the label and the final count, then stops", () => {
  const io = { ...recordingIo(), isTty: true };
  const stream = fakeTerminal();
  const progress = startProgress(io, 3 * 2 ** 20, "normalize", { stream, unit: "bytes" });
  progress.update(2 ** 20);
  progress.update(3 * 2 ** 20);
  progress.stop();
  progress.stop();
  const text = stream.chunks.join("");
  assert.match(text, /normalize \[/);
  assert.match(text, /100% \| 3\.0 MiB \/ 3\.0 MiB/);
  // The cursor is shown again and the line ended: the bar is finished.
  assert.ok(text.includes("\x1b[?25h"));
  assert.ok(text.endsWith("\n"));
  const written = stream.chunks.length;
  progress.update(1);
  assert.equal(stream.chunks.length, written);
});

Deno.test("startProgress with nothing to count is a no-op even on a terminal", () => {
  const stream = fakeTerminal();
  const progress = startProgress({ ...recordingIo(), isTty: true }, 0, "validate", { stream });
  progress.update(5);
  progress.stop();
  assert.deepEqual(stream.chunks, []);
});

Deno.test("tesser data synth and validate write no progress output to a non-terminal io", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const io = recordingIo();
    const path = `${dir}/s.parquet`;
    assert.equal(await dataCommand(["synth", "--output", path, "--rows", "5000"], io), 0);
    assert.equal(await dataCommand(["validate", "--data", path], io), 0);
    assert.deepEqual(io.err, []);
    assert.equal(io.out.length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
