/** Reads the BitMEX fixtures of tests/testdata/bitmex/ (provenance in the README there). */

const DIR = new URL("../../testdata/bitmex/", import.meta.url);

/** One JSON fixture, parsed. */
export function fixture(name: string): unknown {
  return JSON.parse(Deno.readTextFileSync(new URL(name, DIR)));
}

/** The messages of an array fixture, each as the text of one frame. */
export function frames(name: string): string[] {
  return (fixture(name) as unknown[]).map((m) => JSON.stringify(m));
}

/** A single-row fixture wrapped as a table message. */
export function rowMessage(name: string, table: string, action = "insert"): string {
  return JSON.stringify({ table, action, data: [fixture(name)] });
}
