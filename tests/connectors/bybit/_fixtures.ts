/** Reads the Bybit fixtures of tests/testdata/bybit/ (provenance in the README there). */

const DIR = new URL("../../testdata/bybit/", import.meta.url);

/** The text of one fixture file. */
export function fixtureText(name: string): string {
  return Deno.readTextFileSync(new URL(name, DIR));
}

/** One JSON fixture, parsed. */
export function fixture(name: string): unknown {
  return JSON.parse(fixtureText(name));
}

/** The 50 lines of the real XRPUSDT orderbook.500 capture. */
export function xrpCapture(): string[] {
  return fixtureText("xrpusdt_ob500_2024-12-01.jsonl").split("\n").filter((line) => line !== "");
}
