/** Shared test data: the 360-bar BTCUSDT sample and the TA-Lib reference outputs. */

const DATA = new URL("../../testdata/indicators/", import.meta.url);

/** The columns of `btcusdt_1m_sample.csv`. */
export interface SampleBars {
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Loads the sample bars. */
export async function loadSampleBars(): Promise<SampleBars> {
  const text = await Deno.readTextFile(new URL("btcusdt_1m_sample.csv", DATA));
  const [header, ...rows] = text.trim().split(/\r?\n/);
  const names = header.split(",");
  const column = (name: string): Float64Array => {
    const index = names.indexOf(name);
    return Float64Array.from(rows, (row) => Number(row.split(",")[index]));
  };
  return {
    high: column("high"),
    low: column("low"),
    close: column("close"),
    volume: column("volume"),
  };
}

/** One TA-Lib run stored by `tools/talib_reference.mjs`. */
export interface TalibCase {
  readonly function: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, number>>;
  readonly begIndex: number;
  readonly nbElement: number;
  readonly outputs: Readonly<Record<string, readonly number[]>>;
}

/** Loads `talib_reference.json`. */
export async function loadTalibCases(): Promise<readonly TalibCase[]> {
  const text = await Deno.readTextFile(new URL("talib_reference.json", DATA));
  return (JSON.parse(text) as { cases: TalibCase[] }).cases;
}

/** A seeded PRNG (mulberry32) so long-stream tests are reproducible. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
