import assert from "node:assert/strict";
import { scanDecimal, scanInteger } from "../../../lib/data/_number.ts";
import { Random } from "../../../lib/data/_random.ts";

const encoder = new TextEncoder();

function decimal(text: string): number {
  const bytes = encoder.encode(text);
  return scanDecimal(bytes, 0, bytes.length);
}

function integer(text: string): number {
  const bytes = encoder.encode(text);
  return scanInteger(bytes, 0, bytes.length);
}

Deno.test("scanDecimal equals Number() on 100k random decimals of up to 15 significant digits", () => {
  const rng = new Random(42);
  const random = (): number => rng.nextUint32() / 2 ** 32;
  for (let n = 0; n < 100_000; n++) {
    const digits = 1 + Math.floor(random() * 15);
    let text = "";
    for (let i = 0; i < digits; i++) text += String(Math.floor(random() * 10));
    const point = Math.floor(random() * (digits + 1));
    text = `${text.slice(0, point)}.${text.slice(point)}`;
    if (random() < 0.3) text = `0.${"0".repeat(Math.floor(random() * 6))}${text.replace(".", "")}`;
    if (random() < 0.5) text = `-${text}`;
    if (text.endsWith(".") && random() < 0.5) text = text.slice(0, -1);
    const expected = Number(text);
    if (Number.isNaN(expected)) continue;
    assert.ok(Object.is(decimal(text), expected), `${text}: ${decimal(text)} vs ${expected}`);
  }
});

Deno.test("scanDecimal reads signs and bare points like Number()", () => {
  for (const text of ["-42.125", "+5", "+0.25", ".5", "-.5", "5.", "-0", "-0.0", "007", "0"]) {
    assert.ok(Object.is(decimal(text), Number(text)), text);
  }
});

Deno.test("scanDecimal leaves exponents, long mantissas and garbage to the caller (NaN)", () => {
  for (
    const text of [
      "1e5",
      "1E-3",
      "42064.700000000004",
      "1234567890123456",
      "0.00000000000000000000001",
      "",
      "-",
      "+",
      ".",
      "1.2.3",
      " 1",
      "1 ",
      "0x10",
      "Infinity",
      "abc",
      "+-1",
      "1,5",
    ]
  ) {
    assert.ok(Number.isNaN(decimal(text)), text);
  }
});

Deno.test("scanInteger reads -?digits up to 15 digits and rejects everything else", () => {
  assert.equal(integer("1704067200000"), 1704067200000);
  assert.ok(Object.is(integer("-0"), -0));
  assert.equal(integer("-17"), -17);
  assert.equal(integer("999999999999999"), 999999999999999);
  for (const text of ["", "-", "+1", "1.0", "1e3", " 1", "1234567890123456", "12a"]) {
    assert.ok(Number.isNaN(integer(text)), text);
  }
});
