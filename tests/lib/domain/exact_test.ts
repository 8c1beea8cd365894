import assert from "node:assert/strict";
import { Decimal as DecimalJs } from "decimal.js";
import { BIG_MODES } from "../../../lib/domain/_exact.ts";
import {
  type Decimal,
  decimal,
  type RoundingMode,
  roundToStep,
} from "../../../lib/domain/decimal.ts";

// The reference: decimal.js in the configuration the project had before `_exact.ts` (and that
// `_exact.ts` falls back to). Every result must print the same, −0 included (`toJSON`).
const Reference = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
// A seeded generator of the texts money is made of, and of the edges of the small form.
function texts(seed: number, count: number): string[] {
  let state = seed >>> 0;
  const next = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const fixed = [
    "0",
    "-0",
    "1",
    "-1",
    "0.1",
    "0.5",
    "2.5",
    "-2.5",
    "0.001",
    "0.00055",
    "20000.1",
    "9007199254740991",
    "9007199254740992",
    "-9007199254740991",
    "0.9007199254740991",
    "1e-22",
    "1e-23",
    "123456789012345678901234567890.123456789",
    "1e30",
    "0.3333333333",
    "99999999.99999999",
    "1000000000.05043415",
    "-999999999.76719845",
    "-0.000",
    "1234567890123456789012345678901234567890",
    "0.1234567890123456789012345678901234567891",
    "100000000",
    "5",
    "3",
    "7",
    "0.0000001",
    "12345.6789",
  ];
  const out = [...fixed];
  while (out.length < count) {
    const digits = 1 + next(17);
    let text = "";
    for (let i = 0; i < digits; i++) text += String(next(10));
    const scale = next(12);
    if (scale > 0 && scale < text.length) text = text.slice(0, -scale) + "." + text.slice(-scale);
    else if (scale > 0) text = "0." + "0".repeat(scale - text.length) + text;
    out.push(next(3) === 0 ? "-" + text : text);
  }
  return out;
}

function same(actual: Decimal | number | boolean | string, expected: unknown, what: string) {
  if (typeof actual === "object") {
    const reference = expected as DecimalJs;
    assert.equal(actual.toJSON(), reference.toJSON(), what);
    assert.equal(actual.toString(), reference.toString(), what);
    assert.equal(Object.is(actual.toNumber(), reference.toNumber()), true, `${what} toNumber`);
  } else {
    assert.equal(Object.is(actual, expected), true, `${what}: ${actual} vs ${expected}`);
  }
}

Deno.test("Decimal gives decimal.js's results, −0 and the 40-digit fallback included", () => {
  const values = texts(7, 140);
  for (const a of values) {
    const x = decimal(a);
    const rx = new Reference(a);
    same(x, rx, `decimal(${a})`);
    same(x.neg(), rx.neg(), `-(${a})`);
    same(x.abs(), rx.abs(), `|${a}|`);
    same(x.isInteger(), rx.isInteger(), `${a} integer`);
    same(x.isNeg(), rx.isNeg(), `${a} neg`);
    same(x.isPos(), rx.isPos(), `${a} pos`);
    same(x.isZero(), rx.isZero(), `${a} zero`);
    same(x.decimalPlaces(), rx.decimalPlaces(), `${a} places`);
    for (let places = 0; places <= 4; places++) {
      same(x.toFixed(places), rx.toFixed(places), `${a} toFixed(${places})`);
    }
    for (const b of values) {
      const y = decimal(b);
      const ry = new Reference(b);
      same(x.plus(y), rx.plus(ry), `${a} + ${b}`);
      same(x.minus(y), rx.minus(ry), `${a} - ${b}`);
      same(x.times(y), rx.times(ry), `${a} × ${b}`);
      same(x.div(y), rx.div(ry), `${a} ÷ ${b}`);
      same(x.cmp(y), rx.cmp(ry), `${a} cmp ${b}`);
      if (ry.gt(0)) {
        for (const mode of Object.keys(BIG_MODES) as RoundingMode[]) {
          same(
            roundToStep(x, y, mode),
            rx.div(ry).toDecimalPlaces(0, BIG_MODES[mode]).times(ry),
            `${a} to a multiple of ${b} (${mode})`,
          );
        }
      }
    }
  }
});

Deno.test("Decimal operands given as numbers keep decimal.js's reading, −0 and ±Infinity", () => {
  const x = decimal("2.5");
  const rx = new Reference("2.5");
  for (const n of [0, -0, 0.1, -3, 1e21, 1.5e-7, Infinity, -Infinity, Number.NaN]) {
    same(x.plus(n), rx.plus(n), `2.5 + ${n}`);
    same(x.times(n), rx.times(n), `2.5 × ${n}`);
    same(x.div(n), rx.div(n), `2.5 ÷ ${n}`);
    same(x.cmp(n), rx.cmp(n), `2.5 cmp ${n}`);
  }
  same(decimal(-0), new Reference("0"), "decimal(-0)");
  same(decimal(0.1 + 0.2), new Reference(String(0.1 + 0.2)), "decimal(0.1 + 0.2)");
});

// Long operands: up to 40 digits at scales up to 60, so sums, products and quotients run past
// 40 digits and are rounded; ties (a 5 after the 40th digit, with and without more digits) and
// operands far apart in scale are made on purpose.
function longTexts(seed: number, count: number): string[] {
  let state = seed >>> 0;
  const next = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const fixed = [
    "1234567890123456789012345678901234567890",
    "0.5",
    "0.5000000000000000000000000000000000000001",
    "1234567890123456789012345678901234567895",
    "9999999999999999999999999999999999999999",
    "0.9999999999999999999999999999999999999999",
    "0.00000000000000000000000000000000000000000000000001",
    "3",
    "7",
    "0.002",
    "0.011",
    "100000.4",
  ];
  const out = [...fixed];
  while (out.length < count) {
    const digits = 1 + next(40);
    let text = String(1 + next(9));
    for (let i = 1; i < digits; i++) text += String(next(10));
    const scale = next(61);
    if (scale > 0 && scale < text.length) text = text.slice(0, -scale) + "." + text.slice(-scale);
    else if (scale > 0) text = "0." + "0".repeat(scale - text.length) + text;
    out.push(next(3) === 0 ? "-" + text : text);
  }
  return out;
}

Deno.test("Decimal rounds sums, products and quotients past 40 digits as decimal.js does", () => {
  const values = longTexts(11, 120);
  for (const a of values) {
    const x = decimal(a);
    const rx = new Reference(a);
    for (const b of values) {
      const y = decimal(b);
      const ry = new Reference(b);
      same(x.plus(y), rx.plus(ry), `${a} + ${b}`);
      same(x.minus(y), rx.minus(ry), `${a} - ${b}`);
      same(x.times(y), rx.times(ry), `${a} × ${b}`);
      same(x.div(y), rx.div(ry), `${a} ÷ ${b}`);
      // A rounded result as the next operand, as an average entry price is.
      same(x.div(y).times(y), rx.div(ry).times(ry), `${a} ÷ ${b} × ${b}`);
    }
  }
});

Deno.test("a wide Decimal's toNumber rounds ties to even and just-above-ties up, as Number does", () => {
  for (
    const text of [
      "9007199254740993.0", // 2^53 + 1: a tie, rounds to the even 2^53
      "9007199254740993.0000000000000000000001", // just above the tie: up
      "9007199254740992.9999999999999999999999", // just below: down
      "9007199254740995", // a tie that rounds up to the even neighbour
      "-9007199254740993.0000000000000000001",
      "0.30000000000000000000000000000000000001",
      "123456789012345678901234567890.123456789",
      "0.00000000000000000000000000000000000000000000000000000000000000000000000000000001",
    ]
  ) {
    assert.equal(Object.is(decimal(text).toNumber(), Number(text)), true, text);
  }
});
