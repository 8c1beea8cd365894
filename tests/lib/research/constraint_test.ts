import assert from "node:assert/strict";
import {
  constraintParams,
  evaluateConstraint,
  parseConstraint,
} from "../../../lib/research/constraint.ts";

Deno.test("parseConstraint reads comparisons with precedence, parentheses and unary minus", () => {
  const c = parseConstraint("slow - 2 * fast >= -(1 + 1)");
  assert.deepEqual(constraintParams(c), ["slow", "fast"]);
  assert.equal(evaluateConstraint(c, { fast: 5, slow: 8 }), true); // 8 - 10 = -2 >= -2
  assert.equal(evaluateConstraint(c, { fast: 5, slow: 7 }), false); // -3
  assert.equal(evaluateConstraint(parseConstraint("a / b < 0.5"), { a: 1, b: 3 }), true);
  assert.equal(evaluateConstraint(parseConstraint("a + 1e1 == 12"), { a: 2 }), true);
});

Deno.test("evaluateConstraint implements every comparison; 0/0 satisfies none", () => {
  const cases: [string, boolean][] = [
    ["a < b", true],
    ["a <= b", true],
    ["a > b", false],
    ["a >= b", false],
    ["a == b", false],
    ["a != b", true],
  ];
  for (const [text, expected] of cases) {
    assert.equal(evaluateConstraint(parseConstraint(text), { a: 1, b: 2 }), expected, text);
  }
  const nan = { a: 0, b: 0 };
  for (const op of ["<", "<=", ">", ">=", "==", "!="]) {
    assert.equal(evaluateConstraint(parseConstraint(`a / b ${op} 1`), nan), false, op);
  }
});

Deno.test("parseConstraint says what is wrong with the text", () => {
  assert.throws(() => parseConstraint("fast slow"), { message: 'unexpected "slow"' });
  assert.throws(() => parseConstraint("fast"), { message: /has no comparison/ });
  assert.throws(() => parseConstraint("fast < (slow"), { message: 'a "(" is not closed' });
  assert.throws(() => parseConstraint("fast < slow < 3"), { message: 'unexpected "<"' });
  assert.throws(() => parseConstraint("fast < $"), { message: 'unexpected "$"' });
  assert.throws(() => parseConstraint("fast <"), { message: "it ends early" });
});
