import assert from "node:assert/strict";
import { isRefusalRule, REFUSAL_RULE_HELP, REFUSAL_RULES } from "../../../lib/domain/mod.ts";

Deno.test("REFUSAL_RULES lists each rule once, and every rule has one line of help", () => {
  assert.equal(new Set(REFUSAL_RULES).size, REFUSAL_RULES.length);
  assert.deepEqual(Object.keys(REFUSAL_RULE_HELP).sort(), [...REFUSAL_RULES].sort());
  for (const rule of REFUSAL_RULES) {
    assert.ok(REFUSAL_RULE_HELP[rule].length > 10 && !REFUSAL_RULE_HELP[rule].includes("\n"), rule);
  }
});

Deno.test("isRefusalRule accepts exactly the closed set", () => {
  assert.equal(isRefusalRule("max-position"), true);
  assert.equal(isRefusalRule("insufficient-margin"), true);
  assert.equal(isRefusalRule("Max-Position"), false);
  assert.equal(isRefusalRule("rate-limit"), false);
});
