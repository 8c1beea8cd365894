import assert from "node:assert/strict";
import { Decimal as DecimalJs } from "decimal.js";
import {
  type Decimal,
  decimal,
  isDecimal,
  isMultipleOfStep,
  maxDecimal,
  minDecimal,
  ONE,
  type RoundingMode,
  roundToStep,
  sumDecimals,
  ZERO,
} from "../../../lib/domain/decimal.ts";

Deno.test("decimal adds 0.1 and 0.2 to exactly 0.3", () => {
  assert.equal(decimal("0.1").plus("0.2").toString(), "0.3");
  assert.equal(decimal(0.1).plus(0.2).toString(), "0.3");
  assert.equal(decimal(0.1).plus(decimal(0.2)).eq("0.3"), true);
});

Deno.test("decimal takes numbers through their shortest round-trip string", () => {
  assert.equal(decimal(0.1).toString(), "0.1");
  assert.equal(decimal(1e21).toString(), "1000000000000000000000");
  assert.equal(decimal(-0).toString(), "0");
});

Deno.test("decimal parses signs, exponents and bare fractions", () => {
  assert.equal(decimal("+1.50").toString(), "1.5");
  assert.equal(decimal("-0.001").toString(), "-0.001");
  assert.equal(decimal(".5").toString(), "0.5");
  assert.equal(decimal("2.").toString(), "2");
  assert.equal(decimal("1.5e3").toString(), "1500");
  assert.equal(decimal(" 7 ").toString(), "7");
});

Deno.test("decimal rejects NaN and infinities", () => {
  for (const value of [Number.NaN, Infinity, -Infinity]) {
    assert.throws(
      () => decimal(value),
      {
        name: "RangeError",
        message: `Cannot make a decimal from ${value}: it must be a finite number`,
      },
    );
  }
});

Deno.test("decimal rejects text that is not a decimal number", () => {
  for (const text of ["abc", "", " ", "NaN", "Infinity", "0x10", "1e", "1,5", "1.2.3", "--1"]) {
    assert.throws(
      () => decimal(text),
      {
        name: "RangeError",
        message: `Cannot make a decimal from "${text}": it is not a decimal number`,
      },
    );
  }
});

Deno.test("decimal returns a Decimal unchanged", () => {
  const value = decimal("1.25");
  assert.equal(decimal(value), value);
  assert.equal(isDecimal(value), true);
  assert.equal(isDecimal(1.25), false);
  assert.equal(isDecimal("1.25"), false);
});

Deno.test({
  // BUG: decimal.js clones share Symbol.hasInstance, so `instanceof Exact` is true for any
  // decimal.js instance. A global-config Decimal passes isDecimal and decimal() hands it back
  // unchanged, and its arithmetic then runs at the global 20 digits instead of 40.
  // Fix in lib/domain/decimal.ts: test `Object.getPrototypeOf(value) === Exact.prototype` in
  // isDecimal/unwrap, and in decimal() re-make anything else as `new Exact(value.toString())`.
  ignore: false,
  name: "decimal re-makes a foreign decimal.js instance in the 40-digit clone",
  fn() {
    const foreign = new DecimalJs(2) as unknown as Decimal;
    assert.equal(isDecimal(foreign), false);
    assert.equal(decimal(foreign).div(3).toString(), "0." + "6".repeat(39) + "7");
  },
});

Deno.test("Decimal arithmetic is exact to 40 significant digits", () => {
  assert.equal(decimal("1").div(3).toString(), "0." + "3".repeat(40));
  assert.equal(decimal("2").div(3).toString(), "0." + "6".repeat(39) + "7");
  assert.equal(decimal("1.1").times("1.1").toString(), "1.21");
  assert.equal(decimal("5").minus("7.5").toString(), "-2.5");
  assert.equal(decimal("-3").abs().neg().toString(), "-3");
});

Deno.test("Decimal comparisons and predicates", () => {
  const a = decimal("1.5");
  assert.equal(a.cmp("2"), -1);
  assert.equal(a.cmp("1.50"), 0);
  assert.equal(a.cmp(1), 1);
  assert.equal(a.lt(2) && a.lte("1.5") && a.gt(1) && a.gte("1.5"), true);
  assert.equal(ZERO.isZero(), true);
  assert.equal(decimal("-0.1").isNeg(), true);
  assert.equal(ONE.isPos(), true);
  assert.equal(decimal("3.000").isInteger(), true);
  assert.equal(decimal("0.125").decimalPlaces(), 3);
  assert.equal(decimal("0.125").toNumber(), 0.125);
  assert.equal(decimal("2.345").toFixed(2), "2.34"); // half-even
  assert.equal(decimal("2.355").toFixed(2), "2.36");
  assert.equal(JSON.stringify({ qty: decimal("0.001") }), '{"qty":"0.001"}');
});

Deno.test("Decimal prints big and small numbers without an exponent", () => {
  assert.equal(decimal("1e30").toString(), "1" + "0".repeat(30));
  assert.equal(
    decimal("123456789012345678901234567890.123456789").toString(),
    "123456789012345678901234567890.123456789",
  );
  assert.equal(decimal("1e-30").toString(), "0." + "0".repeat(29) + "1");
  assert.equal(decimal(1e-7).toString(), "0.0000001");
});

Deno.test({
  // BUG: the clone uses toExpPos 40 / toExpNeg -40, so from 1e40 up (or 1e-40 down) toString
  // and toJSON switch to exponent notation although the interface promises plain notation.
  // Fix in lib/domain/decimal.ts (the `Exact` clone): toExpNeg: -9e15, toExpPos: 9e15.
  ignore: false,
  name: "Decimal prints numbers beyond 1e40 without an exponent",
  fn() {
    assert.equal(decimal("1e45").toString(), "1" + "0".repeat(45));
    assert.equal(decimal("1e-45").toString(), "0." + "0".repeat(44) + "1");
  },
});

const MODES: readonly RoundingMode[] = ["floor", "ceil", "down", "up", "half-even", "half-up"];

function roundAll(value: string, step: string): Record<string, string> {
  return Object.fromEntries(
    MODES.map((mode) => [mode, roundToStep(decimal(value), decimal(step), mode).toString()]),
  );
}

Deno.test("roundToStep rounds positive values in every mode", () => {
  assert.deepEqual(roundAll("1.23", "0.1"), {
    "floor": "1.2",
    "ceil": "1.3",
    "down": "1.2",
    "up": "1.3",
    "half-even": "1.2",
    "half-up": "1.2",
  });
  assert.deepEqual(roundAll("1.25", "0.1"), {
    "floor": "1.2",
    "ceil": "1.3",
    "down": "1.2",
    "up": "1.3",
    "half-even": "1.2",
    "half-up": "1.3",
  });
  assert.deepEqual(roundAll("1.35", "0.1"), {
    "floor": "1.3",
    "ceil": "1.4",
    "down": "1.3",
    "up": "1.4",
    "half-even": "1.4",
    "half-up": "1.4",
  });
});

Deno.test("roundToStep rounds negative values: floor/ceil by sign, down/up by magnitude", () => {
  assert.deepEqual(roundAll("-1.25", "0.1"), {
    "floor": "-1.3",
    "ceil": "-1.2",
    "down": "-1.2",
    "up": "-1.3",
    "half-even": "-1.2",
    "half-up": "-1.3",
  });
  assert.deepEqual(roundAll("-1.27", "0.1"), {
    "floor": "-1.3",
    "ceil": "-1.2",
    "down": "-1.2",
    "up": "-1.3",
    "half-even": "-1.3",
    "half-up": "-1.3",
  });
});

Deno.test("roundToStep works on steps that are not powers of ten", () => {
  assert.equal(roundToStep(decimal("10.12"), decimal("0.05"), "floor").toString(), "10.1");
  assert.equal(roundToStep(decimal("10.12"), decimal("0.05"), "ceil").toString(), "10.15");
  assert.equal(roundToStep(decimal("10.125"), decimal("0.05"), "half-even").toString(), "10.1");
  assert.equal(roundToStep(decimal("10.175"), decimal("0.05"), "half-even").toString(), "10.2");
  assert.equal(roundToStep(decimal("37"), decimal("25"), "half-up").toString(), "25");
  assert.equal(roundToStep(decimal("37.5"), decimal("25"), "half-up").toString(), "50");
});

Deno.test("roundToStep leaves values already on the grid unchanged in every mode", () => {
  assert.deepEqual(
    roundAll("0.3", "0.1"),
    Object.fromEntries(MODES.map((mode) => [mode, "0.3"])),
  );
});

Deno.test("roundToStep rejects a step that is not positive", () => {
  assert.throws(
    () => roundToStep(ONE, ZERO, "floor"),
    { name: "RangeError", message: "Rounding step must be positive, got 0" },
  );
  assert.throws(() => roundToStep(ONE, decimal("-0.1"), "floor"), /got -0.1/);
});

Deno.test("isMultipleOfStep is exact where floats are not", () => {
  assert.equal(isMultipleOfStep(decimal("0.3"), decimal("0.1")), true);
  assert.equal(isMultipleOfStep(decimal("0.35"), decimal("0.1")), false);
  assert.equal(isMultipleOfStep(decimal("-0.3"), decimal("0.1")), true);
  assert.equal(isMultipleOfStep(decimal("1"), decimal("3")), false);
});

Deno.test("minDecimal, maxDecimal and sumDecimals", () => {
  const a = decimal("1.5");
  const b = decimal("-2");
  assert.equal(minDecimal(a, b), b);
  assert.equal(maxDecimal(a, b), a);
  assert.equal(sumDecimals([decimal("0.1"), decimal("0.2"), decimal("-0.3")]).isZero(), true);
  assert.equal(sumDecimals(Array.from({ length: 10 }, () => decimal("0.1"))).toString(), "1");
  assert.equal(sumDecimals([]), ZERO);
});

Deno.test("using decimal leaves the global decimal.js configuration untouched", () => {
  decimal("1").div(3).plus(decimal("1e30"));
  roundToStep(decimal("1.25"), decimal("0.1"), "half-even");
  assert.equal(DecimalJs.precision, 20);
  assert.equal(DecimalJs.rounding, 4);
  assert.equal(DecimalJs.toExpPos, 21);
  assert.equal(new DecimalJs(1).div(3).toString(), "0.33333333333333333333");
});
