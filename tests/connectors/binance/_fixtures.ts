/** Reads the Binance fixtures of tests/testdata/binance/ (provenance in the README there). */

const DIR = new URL("../../testdata/binance/", import.meta.url);

/** The text of one fixture file. */
export function fixtureText(name: string): string {
  return Deno.readTextFileSync(new URL(name, DIR));
}

/** One JSON fixture, parsed. */
export function fixture(name: string): unknown {
  return JSON.parse(fixtureText(name));
}

/** One line of a real capture: local receive time and the raw JSON. */
export interface CaptureLine {
  /** Local receive time as written (ns in 2024 files, µs in 2023 ones). */
  readonly local: bigint;
  /** The raw message. */
  readonly text: string;
}

function lines(text: string): CaptureLine[] {
  return text.split("\n").filter((line) => line !== "").map((line) => {
    const space = line.indexOf(" ");
    return { local: BigInt(line.slice(0, space)), text: line.slice(space + 1) };
  });
}

/** The first 600 lines of the real BTCUSDT 2024-08-08 capture (gzip). */
export async function btcCapture(): Promise<CaptureLine[]> {
  const bytes = Deno.readFileSync(new URL("btcusdt_20240808_head600.txt.gz", DIR));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return lines(await new Response(stream).text());
}

/** The five real markPriceUpdate lines of 2023-04-05. */
export function markPriceCapture(): CaptureLine[] {
  return lines(fixtureText("btcusdt_20230405_markprice5.txt"));
}

/** The text of a gzip file, by a path relative to this directory. */
export async function gzipText(relative: string): Promise<string> {
  const bytes = Deno.readFileSync(new URL(relative, import.meta.url));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}
