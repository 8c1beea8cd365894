import assert from "node:assert/strict";
import { csvNumber, roundedTo12 } from "../../../lib/backtest/_report_csv.ts";

// The reference: what csvNumber wrote before its arithmetic path.
const reference = (value: number): number => Number(value.toPrecision(12));

function mismatches(values: Iterable<number>): string[] {
  const bad: string[] = [];
  for (const value of values) {
    const got = roundedTo12(value);
    if (!Object.is(got, reference(value))) bad.push(`${value}: ${got} vs ${reference(value)}`);
    if (bad.length > 5) break;
  }
  return bad;
}

// A seeded xorshift, so a failure repeats.
function* randomDoubles(count: number, seed: number): Generator<number> {
  let state = seed >>> 0;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const bits = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < count; i++) {
    // Any bit pattern (all magnitudes, signs, subnormals), then money-like values.
    bits.setUint32(0, Math.floor(next() * 4294967296));
    bits.setUint32(4, Math.floor(next() * 4294967296));
    const any = bits.getFloat64(0);
    if (Number.isFinite(any)) yield any;
    yield (next() - 0.5) * 10 ** Math.floor(next() * 30 - 14);
    yield 10_000 * (1 + (next() - 0.5) * 0.1);
  }
}

Deno.test("roundedTo12 equals Number(toPrecision(12)) on random doubles of every magnitude", () => {
  assert.deepEqual(mismatches(randomDoubles(300_000, 19)), []);
});

Deno.test("roundedTo12 equals Number(toPrecision(12)) at ties, decade edges and extremes", () => {
  const values: number[] = [0, -0, 5e-324, 1e-11, 1e12, 1e21, Number.MAX_VALUE, -Number.MAX_VALUE];
  for (let e = -13; e <= 13; e++) {
    for (
      const mantissa of [
        "1",
        "9.99999999999",
        "9.999999999995",
        "9.9999999999949",
        "1.000000000005",
      ]
    ) {
      values.push(Number(`${mantissa}e${e}`), -Number(`${mantissa}e${e}`));
    }
    // 13-digit decimals ending in 5: a tie in decimal, just off it in binary.
    for (let d = 0; d < 200; d++) {
      const digits = `${1 + (d * 7919) % 9}.${String(d * 104729).padStart(11, "0").slice(0, 11)}5`;
      const x = Number(`${digits}e${e}`);
      values.push(x, -x, x * (1 + Number.EPSILON), x * (1 - Number.EPSILON));
    }
  }
  assert.deepEqual(mismatches(values), []);
  assert.deepEqual(csvNumber(-0), "0");
  assert.deepEqual(csvNumber(Number.NaN), "");
  assert.deepEqual(csvNumber(10_000.123456789012), "10000.1234568");
});
