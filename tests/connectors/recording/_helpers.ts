/** Shared helpers of the recording tests: gzip text files and polling. */

/** The lines of a gzip text file (without the final empty line). */
export async function gzipLines(path: string): Promise<string[]> {
  const file = await Deno.open(path);
  const text = await new Response(
    file.readable.pipeThrough(new DecompressionStream("gzip")),
  ).text();
  return text.split("\n").filter((line) => line !== "");
}

/** Writes `lines` as a gzip text file. */
export async function writeGzipLines(path: string, lines: readonly string[]): Promise<void> {
  const bytes = new TextEncoder().encode(lines.map((l) => `${l}\n`).join(""));
  const compressed = await new Response(
    new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer();
  await Deno.writeFile(path, new Uint8Array(compressed));
}

/** Sleeps `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded) until a predicate holds. */
export { until } from "../../_until.ts";
